#pragma once
// Parameter sweeps shared by `curve` and `validate`:
//   --sweep p_over_n=0.1:5:200        200 points, evenly spaced from 0.1 to 5 (both ends included)
//   --sweep lambda=1e-6:10:50:log     50 points, evenly spaced in log10 from 1e-6 to 10
//   --sweep gamma=0.5                 a single point
#include <string>
#include <vector>

#include "theory/model_params.hpp"

namespace srf::cli {

struct Sweep {
  std::string name;            // a name from swept_parameter_names()
  std::vector<double> values;  // in sweep order
};

// Parses the range part "lo:hi:count[:lin|log]" or a single number "v". Throws
// std::invalid_argument naming `flag`, the text and the broken rule (count >= 1, count = 1 needs
// lo = hi, log needs lo, hi > 0, numbers finite).
std::vector<double> parse_sweep(const std::string& range, const std::string& flag = "--sweep");

// Parses "name=range"; the name must be one of swept_parameter_names().
Sweep parse_sweep_spec(const std::string& text, const std::string& flag = "--sweep");

// alpha, p_over_n, gamma, lambda, beta, delta_f, delta_g, rho, varpi (varpi sets every
// component of the k-vector to the value; it needs k >= 1).
const std::vector<std::string>& swept_parameter_names();

// Sets parameter `name` of `params` to `value` (p_over_n sets alpha = 1/value). Does not
// validate the result: call params.validate() after. Throws std::invalid_argument for an
// unknown name.
void set_swept_parameter(theory::ModelParams& params, const std::string& name, double value);

// The validated parameter sets of `sweep` on top of `base`, in sweep order. Every point is
// validated before any is computed, so a bad sweep fails fast: throws std::invalid_argument
// naming the flag, the swept value and the broken rule.
std::vector<theory::ModelParams> sweep_points(const theory::ModelParams& base, const Sweep& sweep,
                                              const std::string& flag = "--sweep");

}  // namespace srf::cli
