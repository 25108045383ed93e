#pragma once
// What the tests share: relative differences, tolerances in units of machine epsilon, and the
// default model point. One definition here instead of one per test file.
#include <algorithm>
#include <cmath>
#include <limits>

namespace srf_test {

inline constexpr double kEps = std::numeric_limits<double>::epsilon();

// |a - b| / max(|b|, floor): the relative difference of a to the reference b (floor keeps a zero
// reference from dividing by zero).
inline double rel(double a, double b, double floor = 1e-300) { return std::fabs(a - b) / std::max(std::fabs(b), floor); }

}  // namespace srf_test
