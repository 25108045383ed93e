// Fuzzes plotting::parse_figure_spec_text (the TOML figure specs of figures/). Rejection is
// std::invalid_argument; anything else (a sanitizer report, another exception, a hang) is a
// finding. An accepted spec must hold only validated parameter sets and finite sweeps, as
// figure_spec.hpp promises ("parsing validates everything before any computation").
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <stdexcept>
#include <string>

#include "fuzz_check.hpp"
#include <sobolev_rf/plotting/figure_spec.hpp>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  srf::plotting::FigureSpec spec;
  try {
    spec = srf::plotting::parse_figure_spec_text(text, "fuzz.toml");
  } catch (const std::invalid_argument&) {
    return 0;
  }
  SRF_FUZZ_CHECK(!spec.output.empty());
  SRF_FUZZ_CHECK(!spec.panels.empty());
  for (const auto& panel : spec.panels) {
    SRF_FUZZ_CHECK(!panel.curves.empty());
    for (const auto& curve : panel.curves) {
      SRF_FUZZ_CHECK(!curve.quantities.empty());
      for (double v : curve.sweep_values) SRF_FUZZ_CHECK(std::isfinite(v));
      if (curve.kind == srf::plotting::CurveKind::kTheory || curve.kind == srf::plotting::CurveKind::kVarpiLaw) {
        curve.params.validate();  // throws (a finding: escapes the harness) if not valid
        SRF_FUZZ_CHECK(curve.kind != srf::plotting::CurveKind::kTheory || !curve.sweep_values.empty());
      }
      if (curve.markers) {
        curve.markers->params.validate();
        curve.markers->options.validate();
        for (double v : curve.markers->at) SRF_FUZZ_CHECK(std::isfinite(v));
      }
    }
  }
  return 0;
}
