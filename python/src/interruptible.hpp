#pragma once
// Long calls from Python: the work runs on a worker thread with the GIL released, so other
// Python threads keep running; the calling thread wakes every 100 ms, takes the GIL and asks
// Python whether a signal arrived (PyErr_CheckSignals runs the handlers: Ctrl-C raises
// KeyboardInterrupt). Then it raises `stop`, which the work checks between units (curve
// points, simulated seeds), waits for the unit in flight to finish and raises the Python
// exception. Nothing is left half-written: the work's partial results are dropped.
#include <pybind11/pybind11.h>

#include <atomic>
#include <chrono>
#include <future>
#include <utility>

namespace srf::python {

template <class Work>
auto run_interruptible(Work&& work) -> decltype(work(std::declval<const std::atomic<bool>&>())) {
  namespace py = pybind11;
  std::atomic<bool> stop{false};
  auto done = std::async(std::launch::async, [&] { return work(static_cast<const std::atomic<bool>&>(stop)); });
  bool interrupted = false;
  {
    py::gil_scoped_release release;
    while (done.wait_for(std::chrono::milliseconds(100)) != std::future_status::ready) {
      py::gil_scoped_acquire acquire;
      if (PyErr_CheckSignals() != 0) {  // the handler raised (KeyboardInterrupt): stop the work
        stop = true;
        interrupted = true;
        break;
      }
    }
    if (interrupted) done.wait();  // the unit in flight finishes; the worker must not outlive `stop`
  }
  if (interrupted) {
    try {
      done.get();
    } catch (...) {  // the work's own Cancelled: the Python exception already says why
    }
    throw py::error_already_set();
  }
  return done.get();  // the work's result, or its exception (translated to Python)
}

}  // namespace srf::python
