#pragma once
// What the computing functions (theory, optimize, compare, simulate, validate, curve) share: the
// points of a call (the keywords applied per point of the broadcast shape, each validated before
// anything is computed, errors naming the keyword and the point), the fixed chunks that warm-start
// along themselves and run in parallel (results independent of the thread count), and the
// metadata every table carries.
#include <omp.h>
#include <pybind11/pybind11.h>

#include <atomic>
#include <exception>
#include <functional>
#include <vector>

#include <sobolev_rf/simulation/simulator.hpp>

#include "bindings.hpp"
#include "interruptible.hpp"

namespace srf::python {

// The bundles of the call, one per point: `base` with the keywords of point i applied, then
// `check`ed. A library error becomes ValueError naming the keyword and the point.
template <class B, class Check>
std::vector<B> call_points(const KeywordSet<B>& keys, const B& base, const Parsed& p, Check check) {
  std::vector<B> out;
  out.reserve(p.points);
  for (std::size_t i = 0; i < p.points; ++i) {
    out.push_back(base);
    try {
      keys.apply(out.back(), p, i);
      check(out.back());
    } catch (const model::InvalidParameter& e) {
      raise_value_error(python_message(e) + p.where(i));
    }
  }
  return out;
}

// The one bundle of a scalar call.
template <class B, class Check>
B call_point(const KeywordSet<B>& keys, const B& base, const Parsed& p, Check check) {
  B b = base;
  try {
    keys.apply(b, p, 0);
    check(b);
  } catch (const model::InvalidParameter& e) {
    raise_value_error(python_message(e));
  }
  return b;
}

// Keywords of these groups take one value per call (arrays are for the model and the request).
template <class B>
void require_scalar(const KeywordSet<B>& keys, const Parsed& p, const std::vector<std::string>& groups) {
  for (const auto& item : p.items) {
    if (!item.value.broadcast) continue;
    const std::string& g = keys.entries()[item.entry].info.group;
    for (const auto& x : groups)
      if (g == x)
        raise_value_error(p.function + "(): " + item.keyword + ": one value per call (arrays broadcast over the "
                                                               "model's and the request's keywords)");
  }
}

// Contiguous runs of points that warm-start along themselves: the rows of the broadcast shape's
// last axis, cut into pieces of at most `size` points. Fixed by the shape alone.
struct Chunk {
  std::size_t begin = 0, end = 0;
};
inline std::vector<Chunk> chunks_of(const Parsed& p, std::size_t size = 256) {
  std::vector<Chunk> out;
  const std::size_t row = p.shape.empty() ? p.points : static_cast<std::size_t>(p.shape.back());
  if (row == 0) return out;
  for (std::size_t r = 0; r < p.points; r += row)
    for (std::size_t b = r; b < r + row; b += size) out.push_back({b, std::min(b + size, r + row)});
  return out;
}

inline int thread_count(int threads) { return threads > 0 ? threads : omp_get_max_threads(); }

// Runs `work(chunk)` for every chunk on `threads` OpenMP threads; the first exception (in chunk
// order) is rethrown. `stop` is checked before each chunk (and by the work between points).
template <class Work>
void for_each_chunk(const std::vector<Chunk>& chunks, int threads, const std::atomic<bool>& stop, Work work) {
  std::vector<std::exception_ptr> errors(chunks.size());
  const long n = static_cast<long>(chunks.size());
#pragma omp parallel for schedule(dynamic, 1) num_threads(thread_count(threads))
  for (long c = 0; c < n; ++c) {
    try {
      if (stop) throw simulation::Cancelled();
      work(chunks[static_cast<std::size_t>(c)]);
    } catch (...) {
      errors[static_cast<std::size_t>(c)] = std::current_exception();
    }
  }
  for (const auto& e : errors)
    if (e) std::rethrow_exception(e);
}

// {"version", "shape", "broadcast"}: the metadata of a table (DataFrame.attrs).
pybind11::dict table_attrs(const Parsed& p);

}  // namespace srf::python
