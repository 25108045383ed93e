// The activation / teacher registry (model/activation.hpp), names and definitions of docs/model.md.
#include <doctest/doctest.h>

#include <cmath>
#include <limits>
#include <stdexcept>
#include <string>

#include <sobolev_rf/model/activation.hpp>

namespace {
constexpr double eps = std::numeric_limits<double>::epsilon();
}

TEST_CASE("Activation registry holds every name docs/model.md lists, with the exact definitions") {
  using srf::model::activation;
  const double t = 0.37;
  CHECK(activation("tanh").value(t) == std::tanh(t));
  CHECK(activation("relu").value(t) == t);
  CHECK(activation("relu").value(-t) == 0.0);
  CHECK(activation("erf").value(t) == std::erf(t));  // no rescaling
  CHECK(std::abs(activation("sigmoid").value(t) - 1.0 / (1.0 + std::exp(-t))) <= 2 * eps);
  CHECK(std::abs(activation("softplus").value(t) - std::log(1.0 + std::exp(t))) <= 4 * eps);
  CHECK(activation("linear").value(t) == t);
  CHECK(std::abs(activation("he3").value(t) - (t * t * t - 3 * t)) <= 4 * eps);
  CHECK(activation("sign").value(t) == 1.0);
  CHECK(activation("sign").value(-t) == -1.0);
  // Flags: relu and sign kink/jump at 0; sign has no useful gradient.
  for (const auto& a : srf::model::all_activations()) {
    CAPTURE(a.name);
    CHECK(a.smooth == !(a.name == "relu" || a.name == "sign"));
    CHECK(a.has_useful_gradient == (a.name != "sign"));
  }
  const std::string known = srf::model::known_activation_names();
  for (const char* name : {"tanh", "relu", "erf", "sigmoid", "softplus", "linear", "he3", "sign"}) {
    CAPTURE(name);
    CHECK(known.find(name) != std::string::npos);
    CHECK(activation(name).name == name);
  }
}

TEST_CASE("Activation derivatives match central finite differences for every name") {
  // Central difference with h = eps^(1/3) max(1, |t|): truncation h^2 |f'''|/6 plus round-off eps |f|/h,
  // about 1e-10 (1 + |f| + |f'''|) here; allow 1e-8 (1 + |f(t)|), with |f'''| <= 6 for these functions at |t| <= 3.
  const double pts[] = {-2.9, -1.1, -0.31, 0.17, 0.7, 2.3};
  for (const auto& a : srf::model::all_activations()) {
    for (double t : pts) {
      CAPTURE(a.name);
      CAPTURE(t);
      const double h = std::cbrt(eps) * std::max(1.0, std::abs(t));
      const double fd = (a.value(t + h) - a.value(t - h)) / (2 * h);
      CHECK(std::abs(a.derivative(t) - fd) <= 1e-8 * (1.0 + std::abs(a.value(t))));
    }
  }
}

TEST_CASE("Activations stay finite and accurate far out in the tails") {
  using srf::model::activation;
  for (double t : {-800.0, -40.0, 40.0, 800.0}) {
    CAPTURE(t);
    for (const char* name : {"tanh", "sigmoid", "softplus", "erf"}) {
      CAPTURE(name);
      CHECK(std::isfinite(activation(name).value(t)));
      CHECK(std::isfinite(activation(name).derivative(t)));
    }
  }
  // softplus(t) = t + log1p(e^-t) for large t, e^t for very negative t; sigmoid likewise.
  CHECK(activation("softplus").value(800.0) == 800.0);
  CHECK(activation("softplus").value(-40.0) == doctest::Approx(std::exp(-40.0)).epsilon(4 * eps));
  CHECK(activation("sigmoid").value(-40.0) == doctest::Approx(std::exp(-40.0)).epsilon(4 * eps));
  CHECK(activation("sigmoid").value(800.0) == 1.0);
}

TEST_CASE("Unknown activation name is rejected with a message listing the known names") {
  try {
    (void)srf::model::activation("tanhh");
    FAIL("no exception for an unknown name");
  } catch (const std::invalid_argument& e) {
    const std::string msg = e.what();
    CAPTURE(msg);
    CHECK(msg.find("tanhh") != std::string::npos);
    for (const auto& a : srf::model::all_activations()) CHECK(msg.find(a.name) != std::string::npos);
  }
}
