#pragma once
// sobolev_rf._core's functions behind the scikit-learn estimator SobolevRandomFeaturesRegressor
// (python/sobolev_rf/estimator.py): the fit, predictions, input gradients and features of
// simulation/random_features_fit.hpp, on numpy arrays, with the GIL released during the work.
#include <pybind11/pybind11.h>

namespace srf::python {

void bind_estimator(pybind11::module_& m);

}  // namespace srf::python
