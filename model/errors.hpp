#pragma once
// The reported quantities of docs/model.md ("Reported quantities", all conditional on varpi),
// and the one table of their names: tables, CSV columns, JSON keys, objectives and Python
// attributes are loops over error_fields().
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace srf::model {

struct Errors {
  double train_f = 0;   // (1/n) sum (y - f)^2
  double train_g = 0;   // (1/n) sum |g - V^T grad f|^2   (0 when k = 0)
  double gen_f = 0;     // E (phi(omega) - f(x))^2, noiseless
  double gen_g = 0;     // E |varpi phi'(omega) - V^T grad f(x)|^2, noiseless
  double gen_h1 = 0;    // gen_f + gen_g
  double gen_grad = 0;  // E |phi'(omega) theta0 - grad f(x)|^2
  double train_inf = 0;  // (1/n) sum (u.g_i - u.grad f(x_i))^2, u the informed direction (0 without one)
  double gen_inf = 0;    // E (u.(phi'(omega) theta0 - grad f(x)))^2, noiseless (0 without one)
};

// Names and accessors of the reported errors, in the order of docs/model.md (for tables, CSV, JSON).
inline const std::vector<std::pair<const char*, double Errors::*>>& error_fields() {
  static const std::vector<std::pair<const char*, double Errors::*>> f = {
      {"train_f", &Errors::train_f}, {"train_g", &Errors::train_g}, {"gen_f", &Errors::gen_f},
      {"gen_g", &Errors::gen_g},     {"gen_h1", &Errors::gen_h1},   {"gen_grad", &Errors::gen_grad},
      {"train_inf", &Errors::train_inf}, {"gen_inf", &Errors::gen_inf}};
  return f;
}

// The error named `name` (a name of error_fields()); throws std::invalid_argument otherwise.
inline double error_value(const Errors& e, std::string_view name) {
  for (const auto& [n, field] : error_fields())
    if (name == n) return e.*field;
  std::string known;
  for (const auto& [n, field] : error_fields()) known += (known.empty() ? "" : ", ") + std::string(n);
  throw std::invalid_argument("unknown error '" + std::string(name) + "'; known: " + known);
}

}  // namespace srf::model
