#pragma once
// Tables for pandas, filled in C++: an ordered dict of 1-D numpy arrays (float64, int64, bool)
// and lists of str, one entry per row, built directly from the library's results (no text).
// The Python layer makes a DataFrame of it. Loops over the library's tables name the columns:
// the model's columns (Python keywords; varpi as varpi_1..varpi_K, NaN beyond a point's k), the
// errors of model::error_fields(), their law over varpi.
#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>

#include <cmath>
#include <limits>
#include <string>
#include <utility>
#include <vector>

#include <sobolev_rf/model/model_params.hpp>
#include <sobolev_rf/theory/theory_result.hpp>

namespace srf::python {

namespace py = pybind11;

class Columns {
 public:
  explicit Columns(std::size_t rows) : rows_(rows) {}
  std::size_t rows() const { return rows_; }

  // A new float64 column (NaN-filled); returns its data for filling.
  double* real(const std::string& name) {
    py::array_t<double> a(static_cast<py::ssize_t>(rows_));
    double* p = a.mutable_data();
    std::fill(p, p + rows_, std::numeric_limits<double>::quiet_NaN());
    columns_.emplace_back(name, a);
    return p;
  }
  std::int64_t* integer(const std::string& name) {
    py::array_t<std::int64_t> a(static_cast<py::ssize_t>(rows_));
    std::int64_t* p = a.mutable_data();
    std::fill(p, p + rows_, 0);
    columns_.emplace_back(name, a);
    return p;
  }
  bool* boolean(const std::string& name) {
    py::array_t<bool> a(static_cast<py::ssize_t>(rows_));
    bool* p = a.mutable_data();
    std::fill(p, p + rows_, false);
    columns_.emplace_back(name, a);
    return p;
  }
  // A column of str (pandas object dtype).
  py::list text(const std::string& name) {
    py::list l(rows_);
    columns_.emplace_back(name, l);
    return l;
  }
  void add(const std::string& name, py::object column) { columns_.emplace_back(name, std::move(column)); }

  py::dict dict() const {
    py::dict d;
    for (const auto& [name, c] : columns_) d[py::str(name)] = c;
    return d;
  }

 private:
  std::size_t rows_;
  std::vector<std::pair<std::string, py::object>> columns_;
};

// The model's columns (model::model_parameters(), column rows, Python names) of `points`.
void add_model_columns(Columns& c, const std::vector<const model::ModelParams*>& points);

// The errors of each result (NaN where `ok` is false); with `law` also NAME_mean, _std, _q05,
// _q50, _q95, _A0, _A2 of the law over varpi ~ N(0, tau2 I_k) (k of each point).
void add_error_columns(Columns& c, const std::vector<const theory::TheoryResult*>& results,
                       const std::vector<const model::ModelParams*>& points, bool law, const std::vector<bool>& ok);

// converged (bool), termination (str), iterations (int64), residual (float64).
void add_summary_columns(Columns& c, const std::vector<const theory::TheoryResult*>& results);

// Structured inputs (docs/theory/structured.md [S.15]): regime_index, finite_size_d,
// finite_size_correction, when some result carries a finite-size estimate. Returns the one-line
// warning for the limit rows whose correction exceeds 5 % (the largest, with their count), or "".
std::string add_finite_size_columns(Columns& c, const std::vector<const theory::TheoryResult*>& results);

}  // namespace srf::python
