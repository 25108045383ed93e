#pragma once
// Long calls from Python: the work runs on a worker thread with the GIL released, so other
// Python threads keep running; the calling thread wakes every 100 ms, takes the GIL and asks
// Python whether a signal arrived (PyErr_CheckSignals runs the handlers: Ctrl-C raises
// KeyboardInterrupt). Then it raises `stop`, which the work checks between units (points,
// simulated seeds), waits for the unit in flight to finish and raises the Python exception.
// Nothing is left half-written: the work's partial results are dropped.
//
// Progress: the work counts finished units in `Progress::done`; once the call has run for half a
// second, the calling thread asks Python's progress factory (sobolev_rf's: a tqdm bar in a
// notebook or a terminal, nothing in a pipe) for a bar and moves it on each wake-up. Short calls
// never make one.
#include <pybind11/pybind11.h>

#include <atomic>
#include <chrono>
#include <future>
#include <string>
#include <utility>

namespace srf::python {

struct Progress {
  Progress() = default;
  Progress(std::size_t total, std::string label, pybind11::handle factory)
      : total(total), label(std::move(label)), factory(pybind11::reinterpret_borrow<pybind11::object>(factory)) {}
  std::atomic<std::size_t> done{0};
  std::atomic<std::size_t> total{0};  // may grow while the work runs (a figure learns its size)
  std::string label;
  pybind11::object factory;  // callable(total, label) -> object with update(n) and close(); None: no bar
};

namespace detail {

// The bar's side, on the calling thread with the GIL held. A failing bar is dropped silently.
class Bar {
 public:
  explicit Bar(Progress* p) : p_(p) {}
  void tick(double seconds) {
    namespace py = pybind11;
    if (!p_ || !p_->factory || p_->factory.is_none()) return;
    try {
      if (!bar_ && !tried_ && seconds >= 0.5) {
        tried_ = true;
        py::object b = p_->factory(p_->total.load(), p_->label);
        if (!b.is_none()) bar_ = b;
      }
      if (bar_) {
        const std::size_t now = p_->done.load();
        if (now > shown_) bar_.attr("update")(now - shown_), shown_ = now;
      }
    } catch (const py::error_already_set&) {
      bar_ = py::object();
    }
  }
  void close() {
    namespace py = pybind11;
    if (!bar_) return;
    try {
      bar_.attr("close")();
    } catch (const py::error_already_set&) {
    }
    bar_ = py::object();
  }
  ~Bar() { close(); }

 private:
  Progress* p_;
  pybind11::object bar_;
  bool tried_ = false;
  std::size_t shown_ = 0;
};

}  // namespace detail

template <class Work>
auto run_interruptible(Work&& work, Progress* progress = nullptr)
    -> decltype(work(std::declval<const std::atomic<bool>&>())) {
  namespace py = pybind11;
  std::atomic<bool> stop{false};
  const auto start = std::chrono::steady_clock::now();
  detail::Bar bar(progress);
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
      bar.tick(std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
    }
    if (interrupted) done.wait();  // the unit in flight finishes; the worker must not outlive `stop`
  }
  if (interrupted) {
    py::error_already_set error;  // KeyboardInterrupt, taken before the bar calls Python again
    bar.close();
    try {
      done.get();
    } catch (...) {  // the work's own Cancelled: the Python exception already says why
    }
    throw error;
  }
  bar.tick(std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
  bar.close();
  return done.get();  // the work's result, or its exception (translated to Python)
}

}  // namespace srf::python
