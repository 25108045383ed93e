// The `figure` sub-command, run as the built executable (SOBOLEV_RF_EXE): spec validation (exit
// 2 naming the key), the tidy CSV of a tiny spec, the layout of --out-dir (one folder per figure,
// its data in data/, no checkpoint left), and a missing gnuplot reported after the CSVs.
#include <doctest/doctest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <set>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "cli/run_exe.hpp"

namespace {

namespace fs = std::filesystem;

std::string read_text(const fs::path& path) {
  std::ifstream in(path);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// A fresh folder per test under the system temp folder, removed at the end.
struct TempDir {
  fs::path path;
  TempDir() {
    static std::atomic<int> counter{0};
    path = fs::temp_directory_path() / ("srf_figure_test_" + std::to_string(::getpid()) + "_" +
                                        std::to_string(counter++));
    fs::remove_all(path);
    fs::create_directories(path);
  }
  ~TempDir() {
    std::error_code ec;
    fs::remove_all(path, ec);
  }
  fs::path write(const std::string& name, const std::string& text) const {
    std::ofstream(path / name) << text;
    return path / name;
  }
};

// The names of the entries of a folder.
std::set<std::string> entries(const fs::path& dir) {
  std::set<std::string> names;
  for (const auto& e : fs::directory_iterator(dir)) names.insert(e.path().filename().string());
  return names;
}

std::vector<std::string> split_csv_line(const std::string& line) {
  std::vector<std::string> cells;
  std::stringstream ss(line);
  std::string cell;
  while (std::getline(ss, cell, ',')) cells.push_back(cell);
  return cells;
}

const char* kTinySpec = R"(title = "tiny"
output = "tiny"
[defaults]
lambda = 0.1
[[panel]]
x = "p_over_n"
log_y = true
  [[panel.curve]]
  label = "L2"
  sweep = "p_over_n=0.5:1.5:3"
  quantities = ["gen_f", "train_f"]
)";

// A spec with one broken line: `replace` substituted for `line` of the tiny spec.
std::string tiny_with(const std::string& line, const std::string& replace) {
  std::string s = kTinySpec;
  const auto pos = s.find(line);
  REQUIRE(pos != std::string::npos);
  return s.replace(pos, line.size(), replace);
}

}  // namespace

TEST_CASE("figure: an unknown key exits 2 with one line naming the key and the file") {
  TempDir dir;
  const fs::path spec = dir.write("bad.toml", tiny_with("lambda = 0.1", "lamda = 0.1"));
  const srf_test::Run r = srf_test::run_exe("figure \"" + spec.string() + "\" --out-dir \"" + (dir.path / "out").string() + "\"");
  CHECK(r.status == 2);
  CHECK(srf_test::count_lines(r.err) == 1);
  CHECK(r.err.find("lamda") != std::string::npos);
  CHECK(r.err.find("bad.toml:4") != std::string::npos);
  CHECK_FALSE(fs::exists(dir.path / "out" / "tiny"));
}

TEST_CASE("figure: a malformed sweep or a bad parameter value exits 2 naming the key") {
  TempDir dir;
  const std::string out = " --out-dir \"" + (dir.path / "out").string() + "\"";
  struct Case {
    std::string line, replace, must_name;
  };
  const std::vector<Case> cases = {
      {"sweep = \"p_over_n=0.5:1.5:3\"", "sweep = \"p_over_n=0.5:1.5\"", "sweep"},
      {"sweep = \"p_over_n=0.5:1.5:3\"", "sweep = \"lambda=1e-3:1:3:log\"", "sweep"},  // not the panel's x
      {"lambda = 0.1", "lambda = -1.0", "lambda"},
      {"quantities = [\"gen_f\", \"train_f\"]", "quantities = [\"gen_f\", \"test_f\"]", "test_f"},
      {"x = \"p_over_n\"", "x = \"p_over_m\"", "x"},
      {"[defaults]", "[defaults]\nvarpi = 1.0\nk = -1", "k"},
      {"label = \"L2\"", "label = \"L2\"\n  sketch_scale = \"unit\"", "d"},  // unit needs d
      {"label = \"L2\"", "label = \"L2\"\n  d = 640", "d"},                   // d needs unit
      {"label = \"L2\"", "label = \"L2\"\n  sketch_scale = \"wide\"", "sketch_scale"},
  };
  for (const auto& c : cases) {
    CAPTURE(c.replace);
    const fs::path spec = dir.write("bad.toml", tiny_with(c.line, c.replace));
    const srf_test::Run r = srf_test::run_exe("figure \"" + spec.string() + "\"" + out);
    CHECK(r.status == 2);
    CHECK(srf_test::count_lines(r.err) == 1);
    CHECK(r.err.find(c.must_name) != std::string::npos);
    CHECK(r.err.find("bad.toml") != std::string::npos);
  }
  // Broken TOML itself: the parser's line.
  const fs::path spec = dir.write("broken.toml", "title = \"unterminated\noutput = \"x\"\n");
  const srf_test::Run r = srf_test::run_exe("figure \"" + spec.string() + "\"" + out);
  CHECK(r.status == 2);
  CHECK(r.err.find("broken.toml:1") != std::string::npos);
}

TEST_CASE("figure: a tiny spec writes the tidy CSV with parameter, quantity and converged columns") {
  TempDir dir;
  const fs::path spec = dir.write("tiny.toml", kTinySpec);
  const fs::path out = dir.path / "out";
  const srf_test::Run r = srf_test::run_exe("figure \"" + spec.string() + "\" --csv-only --out-dir \"" + out.string() + "\"");
  REQUIRE_MESSAGE(r.status == 0, r.err);
  const std::string csv = read_text(out / "tiny" / "data" / "tiny.p1.c1.csv");
  REQUIRE(srf_test::count_lines(csv) == 4);  // header + 3 points
  std::stringstream ss(csv);
  std::string header_line;
  std::getline(ss, header_line);
  const std::vector<std::string> header = split_csv_line(header_line);
  for (const char* column : {"x", "sigma", "teacher", "alpha", "p_over_n", "gamma", "lambda", "k", "beta", "delta_f",
                             "delta_g", "rho", "varpi", "train_f", "train_g", "gen_f", "gen_g", "gen_h1", "gen_grad",
                             "converged"}) {
    CAPTURE(column);
    CHECK(std::find(header.begin(), header.end(), column) != header.end());
  }
  const auto col = [&](const char* name) {
    return static_cast<std::size_t>(std::find(header.begin(), header.end(), name) - header.begin());
  };
  std::string row_line;
  std::vector<double> xs;
  while (std::getline(ss, row_line)) {
    const std::vector<std::string> row = split_csv_line(row_line);
    CHECK(row[col("converged")] == "1");
    CHECK(std::stod(row[col("lambda")]) == doctest::Approx(0.1));
    CHECK(std::stod(row[col("gen_f")]) > 0.0);
    CHECK(std::stod(row[col("p_over_n")]) == doctest::Approx(std::stod(row[col("x")])));
    xs.push_back(std::stod(row[col("x")]));
  }
  CHECK(xs == std::vector<double>{0.5, 1.0, 1.5});
  // The gnuplot script sits in the figure's folder and reads the CSV from data/.
  const std::string script = read_text(out / "tiny" / "tiny.gp");
  CHECK(script.find("'data/tiny.p1.c1.csv'") != std::string::npos);
  CHECK(script.find("pdfcairo") != std::string::npos);
  CHECK(script.find("pngcairo") != std::string::npos);
  CHECK_FALSE(fs::exists(out / "tiny" / "tiny.png"));  // --csv-only
  CHECK(entries(out) == std::set<std::string>{"tiny"});
  CHECK(entries(out / "tiny") == std::set<std::string>{"data", "tiny.gp"});
  // The sidecar: version, the command line and the spec's full text (every parameter and seed).
  const std::string meta = read_text(out / "tiny" / "data" / "tiny.p1.c1.meta.json");
  for (const char* key : {"\"version\"", "\"command_line\"", "\"spec_text\"", "p_over_n=0.5:1.5:3"}) {
    CAPTURE(key);
    CHECK(meta.find(key) != std::string::npos);
  }
}

TEST_CASE("figure: without gnuplot on PATH the CSVs are written, then a clear error (exit 5)") {
  TempDir dir;
  const fs::path spec = dir.write("tiny.toml", kTinySpec);
  const fs::path out = dir.path / "out";
  const srf_test::Run r = srf_test::run_exe("figure \"" + spec.string() + "\" --out-dir \"" + out.string() + "\"",
                                 "PATH=\"" + (dir.path / "no-tools").string() + "\"");
  CHECK(r.status == 5);
  CHECK(r.err.find("gnuplot not found") != std::string::npos);
  CHECK(srf_test::count_lines(read_text(out / "tiny" / "data" / "tiny.p1.c1.csv")) == 4);
  CHECK(fs::exists(out / "tiny" / "tiny.gp"));
  CHECK_FALSE(fs::exists(out / "tiny" / "tiny.pdf"));
  CHECK(r.err.find("cd " + out.string() + "/NAME && gnuplot NAME.gp") != std::string::npos);
}

TEST_CASE("figure: one folder per figure under --out-dir, its CSVs and sidecars in data/, no checkpoint left") {
  TempDir dir;
  const std::string marked = tiny_with("quantities = [\"gen_f\", \"train_f\"]",
                                       "quantities = [\"gen_f\", \"train_f\"]\n  markers = { at = [0.5], p = 40, seeds = 2 }");
  const fs::path spec1 = dir.write("tiny.toml", marked);
  const fs::path spec2 = dir.write("tiny2.toml", tiny_with("output = \"tiny\"", "output = \"tiny2\""));
  const fs::path out = dir.path / "out";
  const srf_test::Run r =
      srf_test::run_exe("figure \"" + spec1.string() + "\" \"" + spec2.string() + "\" --out-dir \"" + out.string() + "\"");
  INFO(r.err);
  REQUIRE((r.status == 0 || r.status == 5));  // 5: no gnuplot on this machine (the data are written)
  const bool rendered = r.status == 0;
  // out/ holds the two figures' folders and nothing else: the markers' checkpoint is gone.
  CHECK(entries(out) == std::set<std::string>{"tiny", "tiny2"});
  std::set<std::string> tiny = {"data", "tiny.gp"};
  if (rendered) tiny.insert({"tiny.pdf", "tiny.png"});
  CHECK(entries(out / "tiny") == tiny);
  CHECK(entries(out / "tiny" / "data") == std::set<std::string>{"tiny.p1.c1.csv", "tiny.p1.c1.meta.json",
                                                                "tiny.p1.c1.markers.csv",
                                                                "tiny.p1.c1.markers.meta.json"});
  CHECK(entries(out / "tiny2" / "data") == std::set<std::string>{"tiny2.p1.c1.csv", "tiny2.p1.c1.meta.json"});
  CHECK(srf_test::count_lines(read_text(out / "tiny" / "data" / "tiny.p1.c1.markers.csv")) == 1 + 1);  // header + one row per marker (at = [0.5])
  if (rendered) {
    CHECK(fs::file_size(out / "tiny" / "tiny.png") > 1000);
    CHECK(r.out.find((out / "tiny" / "tiny.png").string()) != std::string::npos);
  }
}

TEST_CASE("figure: a theory curve with varpi_average plots each quantity's mean over varpi's law, as `curve --varpi-average`") {
  TempDir dir;
  const std::string spec = tiny_with("quantities = [\"gen_f\", \"train_f\"]",
                                     "quantities = [\"gen_f\", \"gen_h1\"]\n  varpi_average = true\n"
                                     "  k = 1\n  spectrum = \"powerlaw:0.4\"\n  alignment = 1.0");
  const fs::path file = dir.write("tiny.toml", spec);
  const fs::path out = dir.path / "out";
  const srf_test::Run r = srf_test::run_exe("figure \"" + file.string() + "\" --csv-only --out-dir \"" + out.string() + "\"");
  REQUIRE_MESSAGE(r.status == 0, r.err);
  const fs::path reference = dir.path / "curve.csv";
  const srf_test::Run c = srf_test::run_exe(
      "curve --sweep p_over_n=0.5:1.5:3 --k 1 --varpi-average --lambda 0.1 --spectrum powerlaw:0.4 --alignment 1 --output \"" +
      reference.string() + "\"");
  REQUIRE_MESSAGE(c.status == 0, c.err);
  std::stringstream fig(read_text(out / "tiny" / "data" / "tiny.p1.c1.csv"));
  std::stringstream cli(read_text(reference));
  std::string line;
  std::getline(fig, line);
  const std::vector<std::string> fh = split_csv_line(line);
  std::getline(cli, line);
  const std::vector<std::string> ch = split_csv_line(line);
  const auto at = [](const std::vector<std::string>& h, const char* name) {
    return static_cast<std::size_t>(std::find(h.begin(), h.end(), name) - h.begin());
  };
  int rows = 0;
  std::string fl, cl;
  while (std::getline(fig, fl) && std::getline(cli, cl)) {
    const auto f = split_csv_line(fl);
    const auto g = split_csv_line(cl);
    // Both print 10 significant digits of the same double.
    CHECK(f[at(fh, "gen_f")] == g[at(ch, "gen_f_mean")]);
    CHECK(f[at(fh, "gen_h1")] == g[at(ch, "gen_h1_mean")]);
    ++rows;
  }
  CHECK(rows == 3);
}
