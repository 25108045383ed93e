#pragma once
// The law of an extensive sketch of k = kappa d directions (docs/model.md "Extensive sketches"):
//   gaussian    V with i.i.d. N(0, 1) entries (any kappa > 0; kappa > 1: more directions than inputs);
//   orthogonal  V = sqrt(d) Q, Q with k Haar-orthonormal columns (kappa <= 1; kappa = 1 is the full
//               gradient, up to a rotation that isotropic inputs do not see).
#include <sobolev_rf/model/enum_names.hpp>

namespace srf::model {

enum class SketchLaw { kGaussian, kOrthogonal };

inline constexpr EnumName<SketchLaw> kSketchLawNames[] = {{"gaussian", SketchLaw::kGaussian},
                                                          {"orthogonal", SketchLaw::kOrthogonal}};
inline const char* to_string(SketchLaw v) { return enum_to_string(kSketchLawNames, v); }

}  // namespace srf::model
