#include <sobolev_rf/theory/sketch_scale.hpp>

#include <cmath>
#include <utility>
#include <sstream>

namespace srf::theory {

model::ModelParams unit_sketch_equivalent(const model::ModelParams& p, double d) {
  if (!std::isfinite(d) || !(d > 0)) {
    std::ostringstream os;
    os << "d = " << d << ": must be finite and > 0 (the input dimension of the unit-scale sketch)";
    throw model::InvalidParameter("d", os.str());
  }
  model::ModelParams q = p;
  q.beta = p.beta / d;
  q.delta_g = p.delta_g * d;
  return q;
}

model::Errors unit_sketch_errors(const model::Errors& e, double d) {
  model::Errors u = e;
  u.train_g = e.train_g / d;
  u.gen_g = e.gen_g / d;
  u.gen_h1 = e.gen_f + u.gen_g;
  return u;
}

TheoryResult unit_sketch_result(TheoryResult r, double d) {
  r.errors = unit_sketch_errors(r.errors, d);
  // A0 and A2 are linear in the errors, so they scale alike.
  r.varpi_law.A0 = unit_sketch_errors(r.varpi_law.A0, d);
  r.varpi_law.A2 = unit_sketch_errors(r.varpi_law.A2, d);
  // beta = 0: the law of gen_g scales with it (s_m = zeta_m^T w by 1/sqrt d).
  if (r.unpinned_sketch.applies) {
    for (double& s : r.unpinned_sketch.s_mean) s /= std::sqrt(d);
    r.unpinned_sketch.s_variance /= d;
    r.unpinned_sketch.gen_g_mean /= d;
    r.unpinned_sketch.gen_g_std /= d;
  }
  return r;
}

}  // namespace srf::theory
