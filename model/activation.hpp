#pragma once
// The registry of activations sigma and teachers phi, with the exact names and definitions of
// docs/model.md: tanh, relu = max(0,t), erf (no rescaling), sigmoid = 1/(1+e^-t),
// softplus = log(1+e^t), linear = t, he3 = t^3 - 3t, sign.
#include <string>
#include <string_view>
#include <vector>

namespace srf::model {

struct Activation {
  std::string name;
  double (*value)(double);       // sigma(t)
  double (*derivative)(double);  // sigma'(t); for relu and sign the a.e. derivative
  bool smooth;                   // false where value or derivative jumps/kinks at 0
  bool has_useful_gradient;      // false for sign: its derivative vanishes a.e.
};

// Throws std::invalid_argument("unknown activation 'x'; known: tanh, relu, ...").
const Activation& activation(std::string_view name);
const std::vector<Activation>& all_activations();
std::string known_activation_names();  // comma-separated, for error messages

}  // namespace srf::model
