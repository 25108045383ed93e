#include <sobolev_rf/model/activation.hpp>

#include <cmath>
#include <stdexcept>

namespace srf::model {

namespace {
double tanh_v(double t) { return std::tanh(t); }
double tanh_d(double t) { const double c = std::cosh(t); return 1.0 / (c * c); }
double relu_v(double t) { return t > 0.0 ? t : 0.0; }
double relu_d(double t) { return t > 0.0 ? 1.0 : 0.0; }
double erf_v(double t) { return std::erf(t); }
double erf_d(double t) { return 2.0 / std::sqrt(M_PI) * std::exp(-t * t); }
double sigmoid_v(double t) { return t >= 0.0 ? 1.0 / (1.0 + std::exp(-t)) : std::exp(t) / (1.0 + std::exp(t)); }
double sigmoid_d(double t) { const double s = sigmoid_v(t); return s * (1.0 - s); }
// log(1 + e^t) without overflow: max(t,0) + log1p(e^{-|t|}).
double softplus_v(double t) { return (t > 0.0 ? t : 0.0) + std::log1p(std::exp(-std::fabs(t))); }
double softplus_d(double t) { return sigmoid_v(t); }
double linear_v(double t) { return t; }
double linear_d(double) { return 1.0; }
double he3_v(double t) { return t * t * t - 3.0 * t; }
double he3_d(double t) { return 3.0 * t * t - 3.0; }
double sign_v(double t) { return t > 0.0 ? 1.0 : (t < 0.0 ? -1.0 : 0.0); }
double sign_d(double) { return 0.0; }
}  // namespace

const std::vector<Activation>& all_activations() {
  static const std::vector<Activation> list = {
      {"tanh", tanh_v, tanh_d, true, true},
      {"relu", relu_v, relu_d, false, true},
      {"erf", erf_v, erf_d, true, true},
      {"sigmoid", sigmoid_v, sigmoid_d, true, true},
      {"softplus", softplus_v, softplus_d, true, true},
      {"linear", linear_v, linear_d, true, true},
      {"he3", he3_v, he3_d, true, true},
      {"sign", sign_v, sign_d, false, false},
  };
  return list;
}

std::string known_activation_names() {
  std::string s;
  for (const auto& a : all_activations()) {
    if (!s.empty()) s += ", ";
    s += a.name;
  }
  return s;
}

const Activation& activation(std::string_view name) {
  for (const auto& a : all_activations())
    if (a.name == name) return a;
  throw std::invalid_argument("unknown activation '" + std::string(name) + "'; known: " + known_activation_names());
}

}  // namespace srf::model
