#include <sobolev_rf/studies/directions_table.hpp>

#include <omp.h>

#include <algorithm>
#include <cmath>
#include <exception>
#include <functional>
#include <sstream>

namespace srf::studies {

namespace {

constexpr double kGainThreshold = 1.1;

double row_label_cost(int k, const CompareOptions& o) {
  const double forward = k * o.gradient_cost;
  return 1.0 + (o.adjoint_cost > 0 ? std::min(forward, o.adjoint_cost) : forward);
}

}  // namespace

void DirectionsOptions::validate() const {
  compare.validate();
  if (!(std::isfinite(d) && d >= 1 && d <= 1e7)) {
    std::ostringstream os;
    os << "d = " << d << ": the directions table needs a finite input dimension 1 <= d <= 1e7";
    throw model::InvalidParameter("d", os.str());
  }
  if (fixed_k_max < 0 || fixed_k_max > 8)
    throw model::InvalidParameter("fixed_k_max", "fixed_k_max = " + std::to_string(fixed_k_max) + ": must lie in [0, 8]");
}

DirectionsTable compare_directions(const theory::TheoryRequest& base, const DirectionsOptions& o) {
  o.validate();
  const int d = static_cast<int>(std::lround(o.d));
  // The shared model: no sketch, no informed direction.
  theory::TheoryRequest plain = base;
  plain.model.k = 0;
  plain.model.varpi.clear();
  plain.model.kappa = 0.0;
  plain.model.rho = 0.0;
  plain.model.informed = "none";
  plain.varpi_average = false;
  const model::SketchLaw law = base.model.sketch;
  plain.model.sketch = model::SketchLaw::kGaussian;

  DirectionsTable t;
  // The rows: fixed k = 1 .. fixed_k_max (varpi averaged), extensive k = 1, 2, 4, ... < d, then d (and
  // for a gaussian sketch 2d, 4d: more directions than inputs).
  for (int k = 1; k <= std::min(o.fixed_k_max, d); ++k) {
    DirectionsRow r;
    r.k = k, r.kappa = static_cast<double>(k) / d, r.theory = "fixed-k";
    t.rows.push_back(r);
  }
  std::vector<int> ext;
  for (int k = 1; k < d; k *= 2) ext.push_back(k);
  ext.push_back(d);
  if (law == model::SketchLaw::kGaussian) ext.insert(ext.end(), {2 * d, 4 * d});
  for (int k : ext) {
    DirectionsRow r;
    r.k = k, r.kappa = static_cast<double>(k) / d, r.theory = "extensive";
    t.rows.push_back(r);
  }
  auto request_of = [&](const DirectionsRow& r, double sample_factor, bool sobolev) {
    theory::TheoryRequest q = plain;
    q.model.alpha = plain.model.alpha * sample_factor;
    if (!sobolev) return q;
    if (r.theory == "fixed-k") {
      q.model.k = r.k;
      q.model.varpi.assign(static_cast<std::size_t>(r.k), 0.0);
      q.varpi_average = true;
    } else {
      q.model.kappa = r.kappa;
      q.model.sketch = law;
    }
    return q;
  };
  auto search = [&](OptimizeOver over) {
    OptimizeOptions s = o.compare.search;
    s.over = over;
    return s;
  };
  // Every optimum is independent: the tasks run in parallel, the results do not depend on the threads.
  std::vector<std::function<void()>> tasks;
  tasks.push_back([&] { t.l2 = optimize(plain, search(OptimizeOver::kLambda)); });
  for (DirectionsRow& r : t.rows) {
    r.label_cost = row_label_cost(r.k, o.compare);
    tasks.push_back([&r, &request_of, &search] { r.sobolev = optimize(request_of(r, 1.0, true), search(OptimizeOver::kBoth)); });
    tasks.push_back([&r, &request_of, &search] {
      r.l2_equal_cost = optimize(request_of(r, r.label_cost, false), search(OptimizeOver::kLambda));
    });
  }
  std::exception_ptr error;
  const int threads = o.compare.threads > 0 ? o.compare.threads : omp_get_max_threads();
  const int n = static_cast<int>(tasks.size());
#pragma omp parallel for schedule(dynamic, 1) num_threads(threads)
  for (int i = 0; i < n; ++i) {
    try {
      tasks[i]();
    } catch (...) {
#pragma omp critical(srf_directions_tasks)
      if (!error) error = std::current_exception();
    }
  }
  if (error) std::rethrow_exception(error);

  t.converged = t.l2.converged;
  double best_gain = 0;
  for (DirectionsRow& r : t.rows) {
    t.converged = t.converged && r.sobolev.converged && r.l2_equal_cost.converged;
    r.gain_equal_samples = t.l2.value / r.sobolev.value;
    r.gain_equal_cost = r.l2_equal_cost.value / r.sobolev.value;
    if (r.sobolev.converged && r.gain_equal_samples >= kGainThreshold &&
        (t.smallest_k_gain < 0 || r.k < t.smallest_k_gain)) {
      t.smallest_k_gain = r.k;
      t.smallest_k_theory = r.theory;
    }
    if (r.sobolev.converged && r.l2_equal_cost.converged && r.gain_equal_cost > best_gain) {
      best_gain = r.gain_equal_cost;
      t.best_k_equal_cost = r.k;
      t.best_k_theory = r.theory;
    }
  }
  return t;
}

}  // namespace srf::studies
