// sobolev_rf.figure: a figure spec (plotting/figure_spec.hpp) computed by the plotting library,
// as `sobolev-rf figure` does. With an out_dir, the files are the CLI's (write_figure_data: the
// figure's folder, its data/ tables with sidecars, the gnuplot script), optionally rendered by
// gnuplot; without one, the tables stay in memory. Either way Python gets the parsed spec and every
// table as numpy columns for its matplotlib renderer (python/sobolev_rf/plotting.py).
//
// The plotting library hands tables over as text cells (TableSink: the CSV's cells, %.10g), so
// the numbers drawn are those of the CSV, as the gnuplot script reads them.
#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <cstdlib>
#include <fstream>
#include <sstream>

#include <sobolev_rf/plotting/figure_data.hpp>
#include <sobolev_rf/plotting/figure_output.hpp>
#include <sobolev_rf/plotting/figure_spec.hpp>
#include <sobolev_rf/plotting/gnuplot_script.hpp>
#include <sobolev_rf/plotting/table_sink.hpp>

#include "bindings.hpp"
#include "columns.hpp"
#include "interruptible.hpp"

// A curve kind missing from kind_name() is a compile error, not an empty name at run time.
#pragma GCC diagnostic error "-Wswitch"

namespace srf::python {

namespace {

const char* kind_name(plotting::CurveKind k) {
  switch (k) {
    case plotting::CurveKind::kTheory: return "theory";
    case plotting::CurveKind::kVarpiLaw: return "varpi_law";
    case plotting::CurveKind::kLegendreError: return "legendre_error";
    case plotting::CurveKind::kLegendreInterpolant: return "legendre_interpolant";
    case plotting::CurveKind::kLegendreTarget: return "legendre_target";
    case plotting::CurveKind::kGradientGain: return "gradient_gain";
  }
  throw std::logic_error("sobolev_rf: a curve kind without a name");
}

py::object range(const std::optional<std::pair<double, double>>& r) {
  if (!r) return py::none();
  return py::make_tuple(r->first, r->second);
}

// What a renderer needs of a parsed spec, as plain Python objects.
py::dict spec_dict(const plotting::FigureSpec& spec) {
  py::list panels;
  for (const auto& p : spec.panels) {
    py::list curves;
    for (const auto& c : p.curves) {
      py::dict cd;
      cd["kind"] = kind_name(c.kind);
      cd["label"] = c.label;
      cd["quantities"] = c.quantities;
      cd["quantity_labels"] = c.quantity_labels;
      py::list names;
      for (const auto& q : c.quantities) names.append(plotting::quantity_display_name(q));
      cd["quantity_names"] = names;
      cd["color"] = c.color;
      cd["dash"] = c.dash;
      cd["law"] = c.law;
      cd["legendre_n"] = c.legendre.n;
      cd["y_name"] = c.y_name;
      cd["gain"] = c.gain;
      cd["source"] = c.source;
      curves.append(cd);
    }
    py::dict pd;
    pd["title"] = p.title;
    pd["x"] = p.x;
    pd["y"] = p.y;
    pd["x_label"] = p.x_label;
    pd["y_label"] = p.y_label;
    pd["log_x"] = p.log_x;
    pd["log_y"] = p.log_y;
    pd["x_range"] = range(p.x_range);
    pd["y_range"] = range(p.y_range);
    pd["legend"] = p.legend;
    pd["curves"] = curves;
    panels.append(pd);
  }
  py::dict d;
  d["path"] = spec.path;
  d["title"] = spec.title;
  d["output"] = spec.output;
  d["panel_width"] = spec.panel_width;
  d["panel_height"] = spec.panel_height;
  d["columns"] = spec.columns;
  d["panels"] = panels;
  return d;
}

py::list files_list(const plotting::FigureFiles& files) {
  py::list panels;
  for (const auto& panel : files.curves) {
    py::list curves;
    for (const auto& f : panel) {
      py::dict fd;
      fd["data"] = f.data;
      fd["markers"] = f.markers;
      fd["markers_note"] = f.markers_note;
      fd["failed_points"] = f.failed_points;
      curves.append(fd);
    }
    panels.append(curves);
  }
  return panels;
}

plotting::MarkerMode marker_mode(const std::string& m) {
  if (m == "default") return plotting::MarkerMode::kDefault;
  if (m == "all") return plotting::MarkerMode::kAll;
  if (m == "none") return plotting::MarkerMode::kNone;
  throw std::invalid_argument("markers = '" + m + "': must be default, all or none");
}

// A table's cells as columns: float64 where every non-empty cell is a number (empty: NaN), str
// otherwise.
py::dict table_columns(const plotting::Table& t) {
  Columns cols(t.rows.size());
  for (std::size_t j = 0; j < t.columns.size(); ++j) {
    bool numeric = true;
    std::vector<double> values(t.rows.size(), std::numeric_limits<double>::quiet_NaN());
    for (std::size_t i = 0; i < t.rows.size() && numeric; ++i) {
      const std::string& cell = j < t.rows[i].size() ? t.rows[i][j] : std::string();
      if (cell.empty()) continue;
      char* end = nullptr;
      values[i] = std::strtod(cell.c_str(), &end);
      numeric = end && *end == '\0';
    }
    if (numeric) {
      double* d = cols.real(t.columns[j]);
      std::copy(values.begin(), values.end(), d);
    } else {
      py::list l = cols.text(t.columns[j]);
      for (std::size_t i = 0; i < t.rows.size(); ++i) l[i] = j < t.rows[i].size() ? t.rows[i][j] : std::string();
    }
  }
  return cols.dict();
}

// A table written by the plotting library (cells joined by ',', no quoting).
plotting::Table read_table(const std::string& path, const std::string& name) {
  std::ifstream in(path);
  if (!in) throw std::invalid_argument("figure: cannot read " + path);
  plotting::Table t;
  t.name = name;
  auto split = [](const std::string& line) {
    std::vector<std::string> cells;
    std::stringstream ss(line);
    std::string cell;
    while (std::getline(ss, cell, ',')) cells.push_back(cell);
    if (!line.empty() && line.back() == ',') cells.emplace_back();
    return cells;
  };
  std::string line;
  if (std::getline(in, line)) t.columns = split(line);
  while (std::getline(in, line))
    if (!line.empty()) t.rows.push_back(split(line));
  return t;
}

py::object figure_call(const std::string& spec_path, const std::string& out_dir, bool quick, const std::string& markers,
                       bool gnuplot, py::handle progress) {
  plotting::FigureSpec spec = plotting::parse_figure_spec(spec_path);
  if (quick) plotting::apply_quick(spec);
  plotting::FigureRunOptions options;
  options.markers = marker_mode(markers);
  struct Outcome {
    plotting::FigureOutput written;
    std::vector<plotting::Table> tables;
    std::string gnuplot;  // the program run, empty when none
  };
  Progress pr(0, "figure " + spec.output, progress);
  const Outcome outcome = run_interruptible(
      [&](const std::atomic<bool>& stop) {
        plotting::FigureSpec s = spec;
        for (auto& panel : s.panels)
          for (auto& c : panel.curves)
            if (c.markers) c.markers->options.stop = &stop;
        plotting::FigureRunOptions o = options;
        o.on_progress = [&](int done, int total) {
          pr.total = static_cast<std::size_t>(std::max(total, 0));
          pr.done = static_cast<std::size_t>(std::max(done, 0));
          if (stop) throw simulation::Cancelled();
        };
        Outcome out;
        if (out_dir.empty()) {
          plotting::TableCollector collector;
          out.written.files = plotting::compute_figure(s, o, collector);
          out.tables = collector.tables();
          return out;
        }
        out.written = plotting::write_figure_data(s, o, out_dir, "python: sobolev_rf.figure(\"" + spec_path + "\")");
        for (const auto& panel : out.written.files.curves)
          for (const auto& c : panel)
            for (const std::string* name : {&c.data, &c.markers})
              if (!name->empty())
                out.tables.push_back(read_table(out.written.folder + "/" + *name, *name));
        if (gnuplot) {
          out.gnuplot = plotting::find_gnuplot();
          if (!out.gnuplot.empty()) plotting::run_gnuplot(out.gnuplot, out.written.script, out.written.folder);
        }
        return out;
      },
      &pr);
  py::dict tables;
  for (const auto& t : outcome.tables) tables[py::str(t.name)] = table_columns(t);
  py::dict d;
  d["spec"] = spec_dict(spec);
  d["files"] = files_list(outcome.written.files);
  d["tables"] = tables;
  d["failed_points"] = outcome.written.files.failed_points();
  d["folder"] = outcome.written.folder;
  d["script"] = outcome.written.script_path;
  d["pdf"] = outcome.written.pdf_path;
  d["png"] = outcome.written.png_path;
  d["gnuplot"] = outcome.gnuplot;
  return d;
}

}  // namespace

void bind_figure(py::module_& m) {
  m.def("figure", &figure_call, py::arg("spec"), py::arg("out_dir"), py::arg("quick"), py::arg("markers"),
        py::arg("gnuplot"), py::arg("progress"));
  m.def("figure_spec", [](const std::string& path) { return spec_dict(plotting::parse_figure_spec(path)); });
  m.def("quantity_display_name", &plotting::quantity_display_name);
}

}  // namespace srf::python
