#pragma once
// The law of the sketch V (docs/model.md): N(0, 1) entries, |V_j| ~ sqrt d (the talk's
// "gradient projection model", the default), or the "wrong scaling" N(0, 1/d), unit-norm columns,
// whose gradients vanish as d grows (the theory reaches it only at a finite d).
#include <sobolev_rf/model/enum_names.hpp>

namespace srf::model {

enum class SketchScale { kNormal, kUnit };
inline constexpr EnumName<SketchScale> kSketchScaleNames[] = {{"normal", SketchScale::kNormal}, {"unit", SketchScale::kUnit}};
inline const char* to_string(SketchScale v) { return enum_to_string(kSketchScaleNames, v); }

}  // namespace srf::model
