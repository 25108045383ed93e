// The input spectrum's families, their text and their files (model/spectrum.hpp).
#include <sobolev_rf/model/spectrum.hpp>

#include <fmt/format.h>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <mutex>
#include <sstream>
#include <stdexcept>
#include <system_error>

#include <sobolev_rf/model/invalid_parameter.hpp>

namespace srf::model {

namespace {

// A token as quoted in a message: at most `width` characters, no control characters (a message is
// one line).
std::string quoted(std::string_view token, std::size_t width = 40) {
  std::string out;
  for (char c : token.substr(0, width)) out += static_cast<unsigned char>(c) < 0x20 ? '?' : c;
  if (token.size() > width) out += "...";
  return "'" + out + "'";
}

[[noreturn]] void bad(const std::string& text, const std::string& rule) {
  throw InvalidParameter("spectrum", fmt::format("spectrum = {}: {}", quoted(text, 200), rule));
}

// A number written in full: an optional '+', then what std::from_chars reads, nothing after it
// ("1e400" reads as inf, "1e-400" as 0, as strtod does).
bool read_number(std::string_view s, double& v) {
  if (!s.empty() && s.front() == '+') {
    s.remove_prefix(1);
    if (!s.empty() && (s.front() == '+' || s.front() == '-')) return false;
  }
  if (s.empty()) return false;
  const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (end != s.data() + s.size()) return false;
  if (ec == std::errc::result_out_of_range) v = std::strtod(std::string(s).c_str(), nullptr);
  return ec == std::errc() || ec == std::errc::result_out_of_range;
}

double family_number(const std::string& text, std::string_view token, const char* what) {
  double v = 0;
  if (!read_number(token, v)) bad(text, fmt::format("{} = {} is not a number", what, quoted(token)));
  return v;
}

// ---- the file registry ------------------------------------------------------------------------

struct FileEntry {
  std::filesystem::file_time_type time;
  std::uintmax_t size = 0;
  std::shared_ptr<const std::vector<double>> values;
};

std::shared_ptr<const std::vector<double>> read_spectrum_file(const std::string& text, const std::string& path) {
  namespace fs = std::filesystem;
  static std::mutex mutex;
  static std::map<std::string, FileEntry> registry;
  std::error_code ec;
  const fs::file_status st = fs::status(path, ec);
  if (ec || !fs::exists(st)) bad(text, "cannot open the file (" + (ec ? ec.message() : std::string("no such file")) + ")");
  if (fs::is_directory(st)) bad(text, "cannot read the file: it is a directory");
  const auto time = fs::last_write_time(path, ec);
  const std::uintmax_t size = ec ? 0 : fs::file_size(path, ec);
  const bool dated = !ec;
  std::lock_guard<std::mutex> lock(mutex);
  if (dated) {
    const auto it = registry.find(path);
    if (it != registry.end() && it->second.time == time && it->second.size == size) return it->second.values;
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) bad(text, "cannot open the file for reading");
  std::ostringstream content;
  content << in.rdbuf();
  if (in.bad()) bad(text, "cannot read the file");
  std::vector<double> v = parse_spectrum_file_text(content.str(), text);
  double sum = 0;
  for (double x : v) sum += x;
  const double mean = sum / static_cast<double>(v.size());
  for (double& x : v) x /= mean;
  auto shared = std::make_shared<const std::vector<double>>(std::move(v));
  if (dated) registry[path] = FileEntry{time, size, shared};
  return shared;
}

}  // namespace

std::vector<double> parse_spectrum_file_text(std::string_view content, std::string_view source) {
  const std::string src(source);
  std::vector<double> values;
  std::size_t line_no = 0, pos = 0;
  bool nonzero = false;
  while (pos < content.size()) {
    const std::size_t eol = std::min(content.find('\n', pos), content.size());
    std::string_view line = content.substr(pos, eol - pos);
    pos = eol + 1;
    ++line_no;
    const auto blank = [](char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\v' || c == '\f'; };
    while (!line.empty() && blank(line.front())) line.remove_prefix(1);
    while (!line.empty() && blank(line.back())) line.remove_suffix(1);
    if (line.empty() || line.front() == '#') continue;
    double v = 0;
    if (!read_number(line, v)) bad(src, fmt::format("line {}: {} is not a number", line_no, quoted(line)));
    if (!std::isfinite(v)) bad(src, fmt::format("line {}: {} is not finite", line_no, quoted(line)));
    if (v < 0) bad(src, fmt::format("line {}: {} is negative (eigenvalues must be >= 0)", line_no, quoted(line)));
    if (values.size() == kMaxSpectrumFileValues)
      bad(src, fmt::format("more than {} eigenvalues", kMaxSpectrumFileValues));
    nonzero = nonzero || v > 0;
    values.push_back(v);
  }
  if (values.empty()) bad(src, "no eigenvalues (the file is empty or holds only blank and '#' lines)");
  if (!nonzero) bad(src, "all eigenvalues are 0");
  return values;
}

Spectrum parse_spectrum(const std::string& text) {
  Spectrum s;
  if (text == "isotropic") return s;
  const std::size_t colon = text.find(':');
  const std::string family = text.substr(0, colon);
  const std::string arg = colon == std::string::npos ? std::string() : text.substr(colon + 1);
  if (family == "powerlaw" && colon != std::string::npos) {
    s.family = SpectrumFamily::kPowerLaw;
    s.a = family_number(text, arg, "a");
    if (!(s.a >= 0.0 && s.a < 1.0)) bad(text, fmt::format("a = {} must lie in [0, 1)", arg));
    // Near a = 1 the limit law's quadrature needs ~300 / (1 - a) nodes (model/spectral_law.hpp).
    if (s.a > kMaxPowerLawExponent)
      bad(text, fmt::format("a = {} is within 1e-3 of 1, beyond the quadrature of the limit law (a <= {})", arg,
                            kMaxPowerLawExponent));
    return s;
  }
  if (family == "twolevel" && colon != std::string::npos) {
    s.family = SpectrumFamily::kTwoLevel;
    // f,r (or f;r, as a CSV cell writes it: model_parameter_cells).
    const std::size_t comma = arg.find_first_of(",;");
    if (comma == std::string::npos) bad(text, "expected twolevel:f,r (two numbers)");
    s.f = family_number(text, std::string_view(arg).substr(0, comma), "f");
    s.r = family_number(text, std::string_view(arg).substr(comma + 1), "r");
    if (!(s.f > 0.0 && s.f < 1.0)) bad(text, fmt::format("f = {} must lie in (0, 1)", arg.substr(0, comma)));
    if (!(s.r > 0.0 && std::isfinite(s.r))) bad(text, fmt::format("r = {} must be finite and > 0", arg.substr(comma + 1)));
    return s;
  }
  if (family == "file" && colon != std::string::npos) {
    s.family = SpectrumFamily::kFile;
    s.path = arg;
    if (s.path.empty()) bad(text, "expected file:PATH");
    s.values = read_spectrum_file(text, s.path);
    return s;
  }
  bad(text, "unknown spectrum; expected isotropic, powerlaw:a, twolevel:f,r or file:PATH");
}

std::vector<double> finite_spectrum(const Spectrum& s, long d) {
  if (d < 1) throw std::invalid_argument("finite_spectrum: d must be >= 1");
  std::vector<double> v(static_cast<std::size_t>(d), 1.0);
  switch (s.family) {
    case SpectrumFamily::kIsotropic: return v;
    case SpectrumFamily::kPowerLaw:
      for (long i = 0; i < d; ++i) v[i] = std::pow((i + 0.5) / static_cast<double>(d), -s.a);
      break;
    case SpectrumFamily::kTwoLevel: {
      // ceil(f d), with f d = 64.00000000000001 (round-off) counted as 64.
      const long strong = std::min(d, static_cast<long>(std::ceil(s.f * static_cast<double>(d) - 1e-9)));
      for (long i = 0; i < strong; ++i) v[i] = s.r;
      break;
    }
    case SpectrumFamily::kFile: {
      const std::vector<double>& list = *s.values;
      for (long i = 0; i < d; ++i) v[i] = list[static_cast<std::size_t>(i) % list.size()];
      break;
    }
  }
  double sum = 0;
  for (double x : v) sum += x;
  if (!(sum > 0))
    bad("file:" + s.path, fmt::format("its first {} eigenvalues are all 0 (the simulator's d = {} takes those)", d, d));
  const double mean = sum / static_cast<double>(d);
  for (double& x : v) x /= mean;
  return v;
}

std::string powerlaw_spectrum_text(double a) { return fmt::format("powerlaw:{}", a); }
std::string twolevel_spectrum_text(double f, double r) { return fmt::format("twolevel:{},{}", f, r); }

}  // namespace srf::model
