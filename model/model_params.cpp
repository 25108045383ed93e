#include <sobolev_rf/model/model_params.hpp>

#include <cmath>
#include <sstream>

#include <sobolev_rf/model/activation.hpp>
#include <sobolev_rf/model/spectral_law.hpp>
#include <sobolev_rf/model/spectrum.hpp>

namespace srf::model {

namespace {
[[noreturn]] void bad(const std::string& field, double value, const std::string& rule) {
  std::ostringstream os;
  os << field << " = " << value << ": " << rule;
  throw InvalidParameter(field, os.str());
}
void finite_positive(const char* field, double v) {
  if (!std::isfinite(v) || !(v > 0.0)) bad(field, v, "must be finite and > 0");
}
void finite_nonnegative(const char* field, double v) {
  if (!std::isfinite(v) || !(v >= 0.0)) bad(field, v, "must be finite and >= 0");
}
}  // namespace

void validate_extensive(const ModelParams& p);

void ModelParams::validate() const {
  try {
    (void)activation(sigma);
  } catch (const std::invalid_argument& e) {
    throw InvalidParameter("sigma", std::string("sigma: ") + e.what());
  }
  const Activation* phi = nullptr;
  try {
    phi = &activation(teacher);
  } catch (const std::invalid_argument& e) {
    throw InvalidParameter("teacher", std::string("teacher: ") + e.what());
  }
  finite_positive("alpha", alpha);
  finite_positive("gamma", gamma);
  finite_nonnegative("lambda", lambda);  // 0: the ridgeless limit lambda -> 0+
  if (k < 0) bad("k", k, "must be >= 0");
  if (k > 8) bad("k", k, "must be <= 8 (k is a fixed, small number of sketch directions)");
  finite_nonnegative("beta", beta);
  finite_nonnegative("delta_f", delta_f);
  finite_nonnegative("delta_g", delta_g);
  if (!std::isfinite(rho) || rho < -1.0 || rho > 1.0) bad("rho", rho, "must lie in [-1, 1]");
  if (k * rho * rho > 1.0) bad("rho", rho, "needs k * rho^2 <= 1 (k = " + std::to_string(k) + ")");
  if (static_cast<int>(varpi.size()) != k) {
    std::ostringstream os;
    os << "varpi has " << varpi.size() << " value(s), needs k = " << k;
    throw InvalidParameter("varpi", os.str());
  }
  for (double v : varpi)
    if (!std::isfinite(v)) bad("varpi", v, "must be finite");
  if (informed != "none" && informed != "oracle" && !estimated_direction())
    throw InvalidParameter("informed", "informed = " + informed + ": must be one of none, oracle, estimated, estimated_sigma");
  finite_nonnegative("beta_inf", beta_inf);
  finite_positive("alpha_u", alpha_u);
  finite_nonnegative("delta_u", delta_u);
  if (has_informed() && !activation(sigma).has_useful_gradient)
    throw InvalidParameter("sigma", "sigma = " + sigma +
                                        ": has no useful gradient (sigma' = 0 a.e.), not allowed with informed = " +
                                        informed);
  if (has_informed() && !phi->has_useful_gradient)
    throw InvalidParameter("teacher", "teacher = " + teacher + ": has no useful gradient, not allowed with informed = " +
                                          informed);
  if (k > 0 && !activation(sigma).has_useful_gradient)
    throw InvalidParameter("sigma", "sigma = " + sigma +
                                        ": has no useful gradient (sigma' = 0 a.e.), not allowed with k > 0");
  if (k > 0 && !phi->has_useful_gradient)
    throw InvalidParameter("teacher", "teacher = " + teacher + ": has no useful gradient, not allowed with k > 0");
  // The spectrum (its family, numbers, file) and the proportional regime of the alignment,
  // (R1)-(R2) of docs/theory/structured.md [S.1]. A file is read once (model/spectrum.hpp).
  if (!std::isfinite(alignment)) bad("alignment", alignment, "must be finite");
  check_alignment(parse_spectrum(spectrum), alignment);
  validate_extensive(*this);
}

// Extensive sketches (docs/model.md "Extensive sketches"): kappa replaces k; the combinations
// without a theory are refused here, naming the flag (docs/theory/extensive.md derives isotropic
// inputs, no informed direction, independent noises).
std::string num(double v) {
  std::ostringstream os;
  os << v;
  return os.str();
}

void validate_extensive(const ModelParams& p) {
  if (!std::isfinite(p.kappa) || p.kappa < 0.0) bad("kappa", p.kappa, "must be finite and >= 0 (0: k fixed, the base model)");
  if (!p.extensive()) {
    if (p.sketch != SketchLaw::kGaussian)
      throw InvalidParameter("sketch", std::string("sketch = ") + to_string(p.sketch) +
                                           ": a sketch law of an extensive sketch; needs {kappa} > 0");
    return;
  }
  if (p.k != 0) bad("kappa", p.kappa, "k = kappa d directions: not with {k} = " + std::to_string(p.k) + " (give one of them)");
  if (!p.varpi.empty()) bad("kappa", p.kappa, "an extensive sketch self-averages over varpi: not with {varpi}");
  if (p.rho != 0.0) bad("kappa", p.kappa, "not with {rho} != 0 (the extensive theory has independent noises)");
  if (p.sketch == SketchLaw::kOrthogonal && p.kappa > 1.0)
    throw InvalidParameter("sketch", "sketch = orthogonal has at most d orthonormal directions: needs {kappa} <= 1, not kappa = " +
                                        num(p.kappa));
  if (p.structured())
    bad("kappa", p.kappa, "extensive sketches are derived for isotropic inputs only, not with {spectrum} = " + p.spectrum);
  if (p.has_informed()) bad("kappa", p.kappa, "not with an {informed} direction (informed = " + p.informed + ")");
  if (!activation(p.sigma).has_useful_gradient)
    throw InvalidParameter("sigma", "sigma = " + p.sigma + ": has no useful gradient (sigma' = 0 a.e.), not allowed with kappa > 0");
  if (!activation(p.teacher).has_useful_gradient)
    throw InvalidParameter("teacher", "teacher = " + p.teacher + ": has no useful gradient, not allowed with kappa > 0");
}

}  // namespace srf::model
