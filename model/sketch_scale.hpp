#pragma once
// The law of the sketch V (docs/model.md): N(0, 1) entries, |V_j| ~ sqrt d (the talk's
// "gradient projection model", the default), or the "wrong scaling" N(0, 1/d), unit-norm columns,
// whose gradients vanish as d grows (the theory reaches it only at a finite d).
namespace srf::model {

enum class SketchScale { kNormal, kUnit };

}  // namespace srf::model
