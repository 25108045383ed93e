#include "estimator_bindings.hpp"

#include <pybind11/eigen.h>
#include <pybind11/stl.h>

#include <string>
#include <string_view>
#include <utility>

#include <sobolev_rf/model/activation.hpp>
#include <sobolev_rf/model/invalid_parameter.hpp>
#include <sobolev_rf/numerics/hadamard_gram.hpp>
#include <sobolev_rf/simulation/random_features_fit.hpp>

namespace py = pybind11;

namespace srf::python {
namespace {

using Eigen::MatrixXd;
using Eigen::VectorXd;

// The estimator's names of the library's fields, for messages.
std::string python_name(std::string_view field) {
  if (field == "lambda") return "lam";
  if (field == "threads") return "n_jobs";
  if (field == "Theta") return "random_weights_";
  if (field == "w") return "coef_";
  return std::string(field);
}

// Runs `work` with the GIL released (other Python threads run meanwhile; the arguments were
// converted before, the results are converted after). A bad argument is a ValueError naming the
// estimator's parameter. The GIL is taken back before the handler runs (unwinding ends `release`).
template <class Work>
auto without_gil(Work&& work) {
  try {
    py::gil_scoped_release release;
    return work();
  } catch (const model::InvalidParameter& e) {
    throw py::value_error(e.message(python_name));
  }
}

simulation::SolveMethod solve_method(const std::string& solve) {
  if (solve == "auto") return simulation::SolveMethod::kAuto;
  if (solve == "primal") return simulation::SolveMethod::kPrimal;
  if (solve == "dual") return simulation::SolveMethod::kDual;
  throw py::value_error("solve = '" + solve + "': must be one of auto, primal, dual");
}

py::dict fit(const MatrixXd& X, const VectorXd& y, const MatrixXd& G, const MatrixXd& Theta,
             const MatrixXd& directions, const std::string& activation, double lam, double beta, bool fit_intercept,
             const std::string& solve, int threads, int batch_rows) {
  simulation::RandomFeaturesFitOptions o;
  o.activation = activation;
  o.lambda = lam;
  o.beta = beta;
  o.fit_intercept = fit_intercept;
  o.solve_method = solve_method(solve);
  o.threads = threads;
  o.batch_rows = batch_rows;
  simulation::RandomFeaturesFit r =
      without_gil([&] { return simulation::fit_random_features(X, y, G, Theta, directions, o); });
  py::dict out;
  out["w"] = py::cast(std::move(r.w));
  out["intercept"] = r.intercept;
  out["primal"] = r.primal;
  out["train_f"] = r.train_f;
  out["train_g"] = r.train_g;
  return out;
}

// name -> whether its derivative is useful (false for sign: it vanishes almost everywhere).
std::vector<std::pair<std::string, bool>> activations() {
  std::vector<std::pair<std::string, bool>> out;
  for (const auto& a : model::all_activations()) out.emplace_back(a.name, a.has_useful_gradient);
  return out;
}

// sigma(H) and sigma'(H) of the registry's activation, entry by entry (the features with phases
// are sigma(Z Omega + b): the product is numpy's, the activation the model's own).
std::pair<MatrixXd, MatrixXd> apply_activation(const MatrixXd& H, const std::string& name, bool derivative) {
  const model::Activation& a = model::activation(name);
  MatrixXd values(H.rows(), H.cols()), slopes(derivative ? H.rows() : 0, derivative ? H.cols() : 0);
  for (Eigen::Index j = 0; j < H.cols(); ++j)
    for (Eigen::Index i = 0; i < H.rows(); ++i) values(i, j) = a.value(H(i, j));
  if (derivative)
    for (Eigen::Index j = 0; j < H.cols(); ++j)
      for (Eigen::Index i = 0; i < H.rows(); ++i) slopes(i, j) = a.derivative(H(i, j));
  return {std::move(values), std::move(slopes)};
}

using ConstRef = Eigen::Ref<const MatrixXd>;

}  // namespace

void bind_estimator(py::module_& m) {
  m.def(
      "hadamard_gram",
      [](const ConstRef& S, const ConstRef& K, double weight, int threads) {
        MatrixXd out = MatrixXd::Zero(S.cols(), S.cols());
        without_gil([&] {
          try {
            numerics::add_hadamard_gram(S, K, weight, out, threads);
          } catch (const std::invalid_argument& e) {
            throw model::InvalidParameter("K", e.what());
          }
        });
        return out;
      },
      py::arg("S"), py::arg("K"), py::arg("weight") = 1.0, py::arg("threads") = 1,
      "weight * K o (S^T S) (numerics/hadamard_gram.hpp): the Gram of the derivative rows without stacking them; "
      "threads do not change the result.");
  m.def(
      "hadamard_rhs",
      [](const ConstRef& S, const ConstRef& Omega, const ConstRef& G, double weight, int threads) {
        VectorXd out = VectorXd::Zero(S.cols());
        without_gil([&] {
          try {
            numerics::add_hadamard_rhs(S, Omega, G, weight, out, threads);
          } catch (const std::invalid_argument& e) {
            throw model::InvalidParameter("gradients", e.what());
          }
        });
        return out;
      },
      py::arg("S"), py::arg("Omega"), py::arg("G"), py::arg("weight") = 1.0, py::arg("threads") = 1,
      "weight * sum_i s_i o (Omega g_i) (numerics/hadamard_gram.hpp).");
  m.def(
      "rf_activation",
      [](const MatrixXd& H, const std::string& activation, bool derivative) {
        return without_gil([&] {
          try {
            return apply_activation(H, activation, derivative);
          } catch (const std::invalid_argument& e) {
            throw model::InvalidParameter("activation", e.what());
          }
        });
      },
      py::arg("H"), py::arg("activation"), py::arg("derivative") = true,
      "(sigma(H), sigma'(H)) entry by entry for an activation of the registry (sigma' empty without derivative).");
  m.def("rf_fit", &fit, py::arg("X"), py::arg("y"), py::arg("gradients"), py::arg("theta"), py::arg("directions"),
        py::arg("activation"), py::arg("lam"), py::arg("beta"), py::arg("fit_intercept"), py::arg("solve") = "auto",
        py::arg("threads") = 0, py::arg("batch_rows") = 0,
        "Random-features ridge fit on values and directional derivatives "
        "(simulation/random_features_fit.hpp): a dict w, intercept, primal, train_f, train_g.");
  m.def(
      "rf_transform",
      [](const MatrixXd& X, const MatrixXd& Theta, const std::string& activation, int threads) {
        return without_gil([&] { return simulation::random_features(X, Theta, activation, threads); });
      },
      py::arg("X"), py::arg("theta"), py::arg("activation"), py::arg("threads") = 0);
  m.def(
      "rf_predict",
      [](const MatrixXd& X, const MatrixXd& Theta, const VectorXd& w, double intercept, const std::string& activation,
         int threads) {
        return without_gil(
            [&] { return simulation::predict_random_features(X, Theta, w, intercept, activation, threads); });
      },
      py::arg("X"), py::arg("theta"), py::arg("w"), py::arg("intercept"), py::arg("activation"),
      py::arg("threads") = 0);
  m.def(
      "rf_predict_gradient",
      [](const MatrixXd& X, const MatrixXd& Theta, const VectorXd& w, const std::string& activation, int threads) {
        return without_gil(
            [&] { return simulation::predict_random_features_gradient(X, Theta, w, activation, threads); });
      },
      py::arg("X"), py::arg("theta"), py::arg("w"), py::arg("activation"), py::arg("threads") = 0);
  m.def("rf_activations", &activations,
        "The activations of the registry as (name, has a useful derivative) pairs (sign: false).");
}

}  // namespace srf::python
