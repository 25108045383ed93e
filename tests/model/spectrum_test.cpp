// The input spectrum (model/spectrum.hpp), its limit laws (model/spectral_law.hpp), the model
// parameters spectrum and alignment and their shorthands (model/parameter_table.hpp), and the
// command line's answer to every bad spectrum input (docs/model.md "Structured inputs").
#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <functional>
#include <sstream>
#include <string>
#include <vector>

#include <sobolev_rf/model/model_params.hpp>
#include <sobolev_rf/model/parameter_table.hpp>
#include <sobolev_rf/model/spectral_law.hpp>
#include <sobolev_rf/model/spectrum.hpp>

#include "cli/run_exe.hpp"

namespace {

using namespace srf::model;

// A file in the temporary directory with `text`, removed at scope exit.
struct TempFile {
  std::string path;
  explicit TempFile(const std::string& text, const std::string& name = "") {
    static int counter = 0;
    path = (std::filesystem::temp_directory_path() /
            ("srf_spectrum_" + std::to_string(::getpid()) + "_" + std::to_string(counter++) + name + ".txt"))
               .string();
    std::ofstream(path) << text;
  }
  ~TempFile() { std::filesystem::remove(path); }
};

// The field an InvalidParameter names, and its message; "" when `f` does not throw.
std::pair<std::string, std::string> rejection(const std::function<void()>& f) {
  try {
    f();
  } catch (const InvalidParameter& e) {
    return {e.field(), e.what()};
  }
  return {"", ""};
}

// Whether every row of a curve CSV has converged = 1.
bool all_converged(const std::string& csv) {
  std::istringstream in(csv);
  std::string line, cell;
  std::getline(in, line);
  std::vector<std::string> header;
  for (std::istringstream h(line); std::getline(h, cell, ',');) header.push_back(cell);
  const auto column = std::find(header.begin(), header.end(), "converged") - header.begin();
  int rows = 0;
  while (std::getline(in, line)) {
    std::vector<std::string> cells;
    for (std::istringstream r(line); std::getline(r, cell, ',');) cells.push_back(cell);
    if (column >= static_cast<long>(cells.size()) || cells[column] != "1") return false;
    ++rows;
  }
  return rows > 0;
}

double E(const std::vector<double>& w, const std::vector<double>& s, const std::function<double(double)>& f) {
  double out = 0;
  for (std::size_t i = 0; i < s.size(); ++i) out += w[i] * f(s[i]);
  return out;
}

}  // namespace

TEST_CASE("spectrum: the four families parse, and their texts round trip") {
  CHECK(parse_spectrum("isotropic").isotropic());
  const Spectrum p = parse_spectrum("powerlaw:0.3");
  CHECK(p.family == SpectrumFamily::kPowerLaw);
  CHECK(p.a == 0.3);
  CHECK(parse_spectrum("powerlaw:0").a == 0.0);
  const Spectrum t = parse_spectrum("twolevel:0.05,20");
  CHECK(t.family == SpectrumFamily::kTwoLevel);
  CHECK(t.f == 0.05);
  CHECK(t.r == 20.0);
  CHECK(powerlaw_spectrum_text(0.1 + 0.2) == "powerlaw:0.30000000000000004");  // exact: parses back to the same a
  CHECK(parse_spectrum(powerlaw_spectrum_text(0.1 + 0.2)).a == 0.1 + 0.2);
  CHECK(twolevel_spectrum_text(0.05, 20) == "twolevel:0.05,20");
  const TempFile file("# eigenvalues\n  2 \n\n4\r\n0\n+2e0\n");
  const Spectrum f = parse_spectrum("file:" + file.path);
  REQUIRE(f.family == SpectrumFamily::kFile);
  REQUIRE(f.values->size() == 4);  // rescaled to mean 1: 2, 4, 0, 2 -> 1, 2, 0, 1
  CHECK((*f.values)[0] == doctest::Approx(1.0));
  CHECK((*f.values)[1] == doctest::Approx(2.0));
  CHECK((*f.values)[2] == 0.0);
}

TEST_CASE("spectrum: every bad input is rejected naming the field, in one line") {
  const TempFile negative("1\n-2\n3\n"), nan("1\nnan\n"), inf("1\ninf\n"), text("1\nabc\n"), two("1 2\n"), empty(""),
      comments("# only a comment\n\n"), zeros("0\n0\n0.0\n");
  const std::string dir = std::filesystem::temp_directory_path().string();
  const struct {
    std::string text, says;
  } cases[] = {
      {"powerlaw:1", "a = 1 must lie in [0, 1)"},
      {"powerlaw:1.5", "must lie in [0, 1)"},
      {"powerlaw:-0.1", "must lie in [0, 1)"},
      {"powerlaw:nan", "must lie in [0, 1)"},
      {"powerlaw:", "is not a number"},
      {"powerlaw:0.5x", "is not a number"},
      {"twolevel:0,2", "f = 0 must lie in (0, 1)"},
      {"twolevel:1,2", "must lie in (0, 1)"},
      {"twolevel:-0.5,2", "must lie in (0, 1)"},
      {"twolevel:0.5,0", "r = 0 must be finite and > 0"},
      {"twolevel:0.5,-1", "must be finite and > 0"},
      {"twolevel:0.5,inf", "must be finite and > 0"},
      {"twolevel:0.5", "expected twolevel:f,r"},
      {"twolevel:0.5,2,3", "is not a number"},
      {"gaussian", "unknown spectrum"},
      {"", "unknown spectrum"},
      {"file:", "expected file:PATH"},
      {"file:/no/such/spectrum.txt", "cannot open the file"},
      {"file:" + dir, "is a directory"},
      {"file:" + negative.path, "line 2: '-2' is negative"},
      {"file:" + nan.path, "line 2: 'nan' is not finite"},
      {"file:" + inf.path, "line 2: 'inf' is not finite"},
      {"file:" + text.path, "line 2: 'abc' is not a number"},
      {"file:" + two.path, "line 1: '1 2' is not a number"},
      {"file:" + empty.path, "no eigenvalues"},
      {"file:" + comments.path, "no eigenvalues"},
      {"file:" + zeros.path, "all eigenvalues are 0"},
  };
  for (const auto& c : cases) {
    const auto [field, message] = rejection([&] { parse_spectrum(c.text); });
    INFO(c.text << " -> " << message);
    CHECK(field == "spectrum");
    CHECK(message.rfind("spectrum = '" + c.text + "'", 0) == 0);
    CHECK(message.find(c.says) != std::string::npos);
    CHECK(message.find('\n') == std::string::npos);
  }
  // More than 10^6 eigenvalues.
  std::string many;
  for (std::size_t i = 0; i <= kMaxSpectrumFileValues; ++i) many += "1\n";
  CHECK(rejection([&] { parse_spectrum_file_text(many, "file:x"); }).second.find("more than 1000000") != std::string::npos);
  // ModelParams names the field too.
  ModelParams p;
  p.spectrum = "twolevel:2,3";
  CHECK(rejection([&] { p.validate(); }).first == "spectrum");
  p.spectrum = "powerlaw:0.5";
  p.alignment = std::nan("");
  CHECK(rejection([&] { p.validate(); }).first == "alignment");
}

TEST_CASE("spectrum: a file is read once, and again when it changes") {
  const TempFile file("1\n3\n");
  const Spectrum a = parse_spectrum("file:" + file.path), b = parse_spectrum("file:" + file.path);
  CHECK(a.values.get() == b.values.get());  // shared, not re-read
  std::ofstream(file.path) << "1\n2\n3\n";  // another size
  const Spectrum c = parse_spectrum("file:" + file.path);
  CHECK(c.values->size() == 3);
  CHECK((*c.values)[2] == doctest::Approx(1.5));
}

TEST_CASE("spectrum: the finite-d families of the contract, each of mean 1") {
  const long d = 1280;
  auto mean = [](const std::vector<double>& v) {
    double s = 0;
    for (double x : v) s += x;
    return s / v.size();
  };
  const std::vector<double> iso = finite_spectrum(parse_spectrum("isotropic"), d);
  CHECK(iso == std::vector<double>(d, 1.0));
  const std::vector<double> pw = finite_spectrum(parse_spectrum("powerlaw:0.5"), d);
  CHECK(mean(pw) == doctest::Approx(1.0).epsilon(1e-13));
  CHECK(pw[0] / pw[d - 1] == doctest::Approx(std::pow((d - 0.5) / 0.5, 0.5)));  // s_i ~ ((i - 1/2)/d)^(-a)
  const std::vector<double> tl = finite_spectrum(parse_spectrum("twolevel:0.05,20"), d);
  CHECK(mean(tl) == doctest::Approx(1.0).epsilon(1e-13));
  CHECK(tl[63] == doctest::Approx(20 * tl[64]));  // ceil(0.05 * 1280) = 64 strong directions (f d = 64.00000000000001)
  CHECK(tl[64] == tl[d - 1]);
  const TempFile file("1\n2\n3\n");
  const std::vector<double> f = finite_spectrum(parse_spectrum("file:" + file.path), 7);  // cyclic: 1 2 3 1 2 3 1
  CHECK(f[3] == f[0]);
  CHECK(f[6] == f[0]);
  CHECK(mean(f) == doctest::Approx(1.0));
  const TempFile zero_head("0\n0\n5\n");
  CHECK(rejection([&] { finite_spectrum(parse_spectrum("file:" + zero_head.path), 2); }).first == "spectrum");
}

TEST_CASE("spectral law: isotropic, two-level and file laws are their atoms, with tau^2 = E[s^b] / E[s^(b+1)]") {
  const SpectralLaw iso = make_spectral_law(parse_spectrum("isotropic"), 0.7);
  CHECK(iso.s == std::vector<double>{1.0});
  CHECK(iso.tau2 == 1.0);
  // twolevel:0.05,20 at b = 1: c = 1/(f r + 1 - f) = 0.5128, tau^2 = 0.1815 (docs/theory/structured.md [S.1]).
  const SpectralLaw tl = make_spectral_law(parse_spectrum("twolevel:0.05,20"), 1.0);
  const double c = 1 / (0.05 * 20 + 0.95);
  CHECK(E(tl.w, tl.s, [](double s) { return s; }) == doctest::Approx(1.0).epsilon(1e-15));
  CHECK(tl.s[0] == doctest::Approx(20 * c));
  const double Es1 = 0.05 * std::pow(20 * c, 1) + 0.95 * c, Es2 = 0.05 * std::pow(20 * c, 2) + 0.95 * c * c;
  CHECK(tl.tau2 == doctest::Approx(Es1 / Es2).epsilon(1e-14));
  CHECK(tl.tau2 == doctest::Approx(0.1815).epsilon(1e-3));
  // The teacher law s^(b+1) mu / E[s^(b+1)].
  CHECK(tl.wt[0] == doctest::Approx(0.05 * std::pow(20 * c, 2) / Es2).epsilon(1e-14));
  // A file with a zero eigenvalue: fine at b >= 0 (at b = 0, theta0_i = g_i there: tau^2 = 1), rejected at b < 0 (R2).
  const TempFile file("0\n1\n3\n");
  const Spectrum f = parse_spectrum("file:" + file.path);
  CHECK(make_spectral_law(f, 0.0).tau2 == doctest::Approx(1.0).epsilon(1e-15));
  const SpectralLaw f1 = make_spectral_law(f, 1.0);  // atoms 0, 0.75, 2.25 (mean 1)
  CHECK(f1.tau2 == doctest::Approx((0.75 + 2.25) / (0.75 * 0.75 + 2.25 * 2.25)).epsilon(1e-14));
  CHECK(rejection([&] { make_spectral_law(f, -0.5); }).first == "alignment");
  // Equal values merge into one atom of their total weight.
  const SpectralLaw merged = discrete_spectral_law({2, 1, 2, 2}, 0.0);
  CHECK(merged.size() == 2);
  CHECK(merged.w[1] == 0.75);
  // A large |b| does not overflow the teacher weights.
  const SpectralLaw big = make_spectral_law(parse_spectrum("twolevel:0.05,20"), 400.0);
  CHECK(big.wt[0] == doctest::Approx(1.0));
  CHECK(std::isfinite(big.tau2));
}

TEST_CASE("spectral law: the powerlaw quadrature gives the closed-form moments and agrees with a finer rule") {
  for (double a : {0.0, 0.3, 0.5, 0.6, 0.9, 0.97}) {
    for (double b : {-4.0, -1.0, 0.0, 1.0}) {
      if (a * (b + 1) >= 1) continue;
      INFO("a = " << a << ", b = " << b);
      const Spectrum sp = parse_spectrum(powerlaw_spectrum_text(a));
      const SpectralLaw law = make_spectral_law(sp, b);
      SpectralLawOptions fine;
      fine.panel_width = 0.5, fine.nodes_per_panel = 32, fine.tail = 120;
      const SpectralLaw ref = make_spectral_law(sp, b, fine);
      auto Ew = [&](const SpectralLaw& L, bool teacher, const std::function<double(double, double)>& f) {
        double out = 0;  // f(s, 1/s)
        for (std::size_t i = 0; i < L.size(); ++i) {
          const double w = teacher ? L.wt[i] : L.w[i];
          if (w > 0) out += w * f(L.s[i], L.inv_s[i]);
        }
        return out;
      };
      // E s = 1, E s^(1/2) = (1-a)^(1/2) / (1 - a/2), E_t[1/s] = tau^2 = (1 - a(b+1)) / ((1-a)(1-ab)).
      // (E s itself is never integrated by the theory, which uses E s = 1: for a -> 1 its tail lies
      // where e^(-t) underflows.)
      if (a < 0.9) CHECK(Ew(law, false, [](double, double is) { return 1 / is; }) == doctest::Approx(1.0).epsilon(1e-14));
      CHECK(Ew(law, false, [](double, double is) { return 1 / std::sqrt(is); }) ==
            doctest::Approx(std::sqrt(1 - a) / (1 - a / 2)).epsilon(1e-14));
      CHECK(Ew(law, true, [](double, double is) { return is; }) == doctest::Approx(law.tau2).epsilon(1e-13));
      CHECK(law.tau2 == doctest::Approx((1 - a * (b + 1)) / ((1 - a) * (1 - a * b))).epsilon(1e-15));
      // The integrands of the theory, s/(1 + s x) and its square, under both laws, at every scale of x.
      for (double x : {1e-6, 1e-3, 1.0, 1e3}) {
        auto sS = [x](double, double is) { return 1 / (is + x); };
        auto sS2 = [x](double, double is) { return 1 / ((is + x) * (is + x)); };
        auto S = [x](double, double is) { return is / (is + x); };
        for (bool teacher : {false, true}) {
          INFO("x = " << x << (teacher ? ", teacher" : ", uniform"));
          CHECK(Ew(law, teacher, sS) == doctest::Approx(Ew(ref, teacher, sS)).epsilon(1e-12));
          CHECK(Ew(law, teacher, sS2) == doctest::Approx(Ew(ref, teacher, sS2)).epsilon(1e-12));
          CHECK(Ew(law, teacher, S) == doctest::Approx(Ew(ref, teacher, S)).epsilon(1e-12));
        }
      }
    }
  }
}

TEST_CASE("spectral law: the proportional regime (R1) rejects a (b + 1) >= 1 naming the alignment") {
  const Spectrum p = parse_spectrum("powerlaw:0.5");
  const auto [field, message] = rejection([&] { check_alignment(p, 1.0); });
  CHECK(field == "alignment");
  CHECK(message.find("E[s^(b+1)] is infinite") != std::string::npos);
  CHECK(rejection([&] { check_alignment(p, 0.99); }).first.empty());
  CHECK(rejection([&] { check_alignment(p, std::nan("")); }).first == "alignment");
  ModelParams m;
  m.spectrum = "powerlaw:0.5";
  m.alignment = 2;
  CHECK(rejection([&] { m.validate(); }).first == "alignment");
}

TEST_CASE("parameter table: spectrum and alignment are columns, their shorthands rewrite the spectrum") {
  const auto header = model_parameter_header();
  CHECK(std::find(header.begin(), header.end(), "spectrum") != header.end());
  CHECK(std::find(header.begin(), header.end(), "alignment") != header.end());
  CHECK(std::find(header.begin(), header.end(), "powerlaw_a") == header.end());  // not a column
  for (const char* name : {"alignment", "powerlaw_a", "twolevel_f", "twolevel_r"})
    CHECK_MESSAGE(find_model_parameter(name)->sweepable, name);
  ModelParams p;
  set_model_parameter_text(p, "spectrum", "powerlaw:0.3");
  set_model_parameter(p, "alignment", -1.0);
  CHECK(p.alignment == -1.0);
  set_model_parameter(p, "powerlaw_a", 0.7);
  CHECK(p.spectrum == "powerlaw:0.7");
  CHECK(find_model_parameter("powerlaw_a")->get_number(p) == 0.7);
  CHECK(std::isnan(find_model_parameter("twolevel_f")->get_number(p)));
  CHECK(rejection([&] { set_model_parameter(p, "powerlaw_a", 1.0); }).first == "powerlaw_a");
  CHECK(rejection([&] { set_model_parameter(p, "twolevel_f", 0.1); }).first == "twolevel_f");  // not two-level
  set_model_parameter_text(p, "spectrum", "twolevel:0.05,20");
  set_model_parameter(p, "twolevel_f", 0.1);
  CHECK(p.spectrum == "twolevel:0.1,20");
  set_model_parameter(p, "twolevel_r", 5);
  CHECK(p.spectrum == "twolevel:0.1,5");
  CHECK(rejection([&] { set_model_parameter(p, "twolevel_r", 0.0); }).first == "twolevel_r");
  CHECK(rejection([&] { set_model_parameter(p, "twolevel_f", 1.0); }).first == "twolevel_f");
  CHECK(rejection([&] { set_model_parameter(p, "spectrum", 0.5); }).first == "spectrum");
  // A CSV cell has no ',' (twolevel:f;r), and reads back.
  const auto cells = model_parameter_cells(p);
  CHECK(std::find(cells.begin(), cells.end(), "twolevel:0.1;5") != cells.end());
  ModelParams q;
  set_model_parameter_text(q, "spectrum", "twolevel:0.1;5");
  CHECK_NOTHROW(q.validate());
  CHECK(parse_spectrum(q.spectrum).r == 5.0);
}

TEST_CASE("spectrum cli: every bad spectrum input exits 2 with one line naming the flag") {
  const TempFile negative("1\n-2\n"), nan("1\nnan\n"), text("1\nabc\n"), empty(""), zeros("0\n0\n"), zero_atom("0\n2\n");
  const TempFile out("", "_curve");
  const std::string csv = out.path + ".csv";
  const struct {
    std::string args, flag;
  } cases[] = {
      {"theory --spectrum powerlaw:1", "--spectrum"},
      {"theory --spectrum powerlaw:1.2", "--spectrum"},
      {"theory --spectrum powerlaw:-0.2", "--spectrum"},
      {"theory --spectrum twolevel:0,5", "--spectrum"},
      {"theory --spectrum twolevel:1.5,5", "--spectrum"},
      {"theory --spectrum twolevel:0.1,0", "--spectrum"},
      {"theory --spectrum twolevel:0.1,-3", "--spectrum"},
      {"theory --spectrum file:/no/such/file.txt", "--spectrum"},
      {"theory --spectrum file:" + negative.path, "--spectrum"},
      {"theory --spectrum file:" + nan.path, "--spectrum"},
      {"theory --spectrum file:" + text.path, "--spectrum"},
      {"theory --spectrum file:" + empty.path, "--spectrum"},
      {"theory --spectrum file:" + zeros.path, "--spectrum"},
      {"theory --spectrum file:" + zero_atom.path + " --alignment -1", "--alignment"},
      {"theory --spectrum powerlaw:0.5 --alignment 1", "--alignment"},
      {"theory --spectrum nonsense", "--spectrum"},
      {"curve --sweep powerlaw_a=0:1:3 --output " + csv, "--sweep powerlaw_a=1"},
      {"curve --sweep alignment=0:2:3 --spectrum powerlaw:0.5 --output " + csv, "--sweep alignment=1"},
      {"theory --spectrum powerlaw:0.5 --informed oracle --d 640", "--d"},
  };
  for (const auto& c : cases) {
    const auto r = srf_test::run_exe(c.args);
    INFO(c.args << " -> " << r.err);
    CHECK(r.status == 2);
    CHECK(srf_test::count_lines(r.err) == 1);
    CHECK(r.err.find(c.flag) != std::string::npos);
  }
  // The sweeps of the issue run, every point converged.
  for (const std::string sweep : {"--sweep alignment=-1:2:30 --spectrum powerlaw:0.3",
                                  "--sweep powerlaw_a=0:0.9:10 --k 1 --varpi 1",
                                  "--sweep twolevel_r=1:20:5 --spectrum twolevel:0.05,1 --k 2 --varpi 1,0"}) {
    const auto r = srf_test::run_exe("curve " + sweep + " --output " + csv);
    INFO(sweep << " -> " << r.err);
    CHECK(r.status == 0);
    CHECK(all_converged(srf_test::slurp(csv)));
  }
  std::filesystem::remove(csv);
  std::filesystem::remove(csv + ".meta.json");
}
