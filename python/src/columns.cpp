#include "columns.hpp"

#include <sobolev_rf/theory/structured_finite_d.hpp>

#include <algorithm>

#include <sobolev_rf/model/parameter_table.hpp>
#include <sobolev_rf/theory/varpi_law.hpp>

#include "keywords.hpp"

namespace srf::python {

void add_model_columns(Columns& c, const std::vector<const model::ModelParams*>& points) {
  const std::size_t n = points.size();
  for (const auto& f : model::model_parameters()) {
    if (!f.column) continue;
    const std::string name = python_name(f.name);
    switch (f.type) {
      case model::FieldType::kReal: {
        double* p = c.real(name);
        for (std::size_t i = 0; i < n; ++i) p[i] = f.get_number(*points[i]);
        break;
      }
      case model::FieldType::kInteger: {
        std::int64_t* p = c.integer(name);
        for (std::size_t i = 0; i < n; ++i) p[i] = static_cast<std::int64_t>(f.get_number(*points[i]));
        break;
      }
      case model::FieldType::kBool: {
        bool* p = c.boolean(name);
        for (std::size_t i = 0; i < n; ++i) p[i] = f.get_number(*points[i]) != 0.0;
        break;
      }
      case model::FieldType::kText:
      case model::FieldType::kChoice: {
        py::list l = c.text(name);
        for (std::size_t i = 0; i < n; ++i) l[i] = py::str(f.get_text(*points[i]));
        break;
      }
      case model::FieldType::kRealList: {
        std::vector<std::vector<double>> values(n);
        std::size_t width = 0;
        for (std::size_t i = 0; i < n; ++i) width = std::max(width, (values[i] = f.get_list(*points[i])).size());
        for (std::size_t j = 0; j < width; ++j) {
          double* p = c.real(name + "_" + std::to_string(j + 1));
          for (std::size_t i = 0; i < n; ++i)
            if (j < values[i].size()) p[i] = values[i][j];
        }
        break;
      }
    }
  }
}

void add_error_columns(Columns& c, const std::vector<const theory::TheoryResult*>& results,
                       const std::vector<const model::ModelParams*>& points, bool law, const std::vector<bool>& ok) {
  const std::size_t n = results.size();
  for (const auto& [name, field] : model::error_fields()) {
    double* p = c.real(name);
    for (std::size_t i = 0; i < n; ++i)
      if (ok[i]) p[i] = results[i]->errors.*field;
    if (!law) continue;
    const std::string base(name);
    double* cols[7];
    int j = 0;
    for (const char* s : {"mean", "std", "q05", "q50", "q95", "A0", "A2"}) cols[j++] = c.real(base + "_" + s);
    for (std::size_t i = 0; i < n; ++i) {
      if (!ok[i]) continue;
      const theory::VarpiLaw& L = results[i]->varpi_law;
      const theory::VarpiStatistics s = theory::varpi_statistics(L, field, points[i]->k);
      const double v[7] = {s.mean, s.std, s.q05, s.q50, s.q95, L.A0.*field, L.A2.*field};
      for (int m = 0; m < 7; ++m) cols[m][i] = v[m];
    }
  }
}

void add_summary_columns(Columns& c, const std::vector<const theory::TheoryResult*>& results) {
  const std::size_t n = results.size();
  bool* conv = c.boolean("converged");
  py::list term = c.text("termination");
  std::int64_t* it = c.integer("iterations");
  double* res = c.real("residual");
  for (std::size_t i = 0; i < n; ++i) {
    const numerics::SolverSummary& s = results[i]->summary;
    conv[i] = s.converged();
    term[i] = py::str(numerics::to_string(s.termination));
    it[i] = s.iterations;
    res[i] = s.residual;
  }
}

std::string add_finite_size_columns(Columns& c, const std::vector<const theory::TheoryResult*>& results) {
  const std::size_t n = results.size();
  bool any = false;
  for (const auto* r : results) any = any || r->finite_size.applies;
  if (!any) return "";
  double* index = c.real("regime_index");
  double* d = c.real("finite_size_d");
  double* correction = c.real("finite_size_correction");
  int warned = 0;
  const theory::FiniteSizeEstimate* worst = nullptr;
  for (std::size_t i = 0; i < n; ++i) {
    const theory::FiniteSizeEstimate& e = results[i]->finite_size;
    if (!e.applies) continue;
    index[i] = e.regime_index, d[i] = e.d, correction[i] = e.correction;
    if (theory::finite_size_warning(e).empty()) continue;
    ++warned;
    if (!worst || e.correction > worst->correction) worst = &e;
  }
  if (!worst) return "";
  const std::string w = theory::finite_size_warning(*worst, "d=D");
  return warned == 1 && n == 1 ? w
                               : "warning (at " + std::to_string(warned) + " of " + std::to_string(n) +
                                     " points; the largest):" + w.substr(std::string("warning:").size());
}

}  // namespace srf::python
