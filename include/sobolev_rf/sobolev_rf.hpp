#pragma once
// sobolev-rf: exact high-dimensional errors of random-features models trained on function
// values and sketched gradients (Sobolev training), and the finite-size simulator that checks
// them. This header is the library's public surface; the model and its names: docs/model.md.
//
//   #include <sobolev_rf/sobolev_rf.hpp>
//   srf::theory::TheoryRequest r;  r.model.k = 1;  r.model.varpi = {0.7};
//   const srf::theory::TheoryAnswer a = srf::theory::solve(r);   // a.solution.result.errors.gen_f
//
// Modules, dependencies pointing one way: numerics <- model <- theory, simulation <- studies
// <- report <- plotting, distributed (task lists, shards, checkpoints: docs/cluster.md).

// The model: parameters and their table, activations, the reported errors.
#include <sobolev_rf/model/activation.hpp>
#include <sobolev_rf/model/errors.hpp>
#include <sobolev_rf/model/field_table.hpp>
#include <sobolev_rf/model/gaussian_equivalence.hpp>
#include <sobolev_rf/model/invalid_parameter.hpp>
#include <sobolev_rf/model/model_params.hpp>
#include <sobolev_rf/model/parameter_table.hpp>
#include <sobolev_rf/model/sketch_scale.hpp>
// The limit theory.
#include <sobolev_rf/theory/request.hpp>
#include <sobolev_rf/theory/saddle_point.hpp>
#include <sobolev_rf/theory/sensitivities.hpp>
#include <sobolev_rf/theory/solver_options_table.hpp>
#include <sobolev_rf/theory/theory_result.hpp>
#include <sobolev_rf/theory/varpi_law.hpp>
// The exact finite-size model.
#include <sobolev_rf/simulation/simulator.hpp>
// Studies: curves, grids, optimisation, compare, theory against simulation.
#include <sobolev_rf/studies/curve.hpp>
#include <sobolev_rf/studies/grid.hpp>
#include <sobolev_rf/studies/objective.hpp>
#include <sobolev_rf/studies/optimize.hpp>
#include <sobolev_rf/studies/parameter_sweep.hpp>
#include <sobolev_rf/studies/points_file.hpp>
#include <sobolev_rf/studies/theory_vs_simulation.hpp>
#include <sobolev_rf/studies/training_comparison.hpp>
// Reports and figures.
#include <sobolev_rf/report/curve_csv.hpp>
#include <sobolev_rf/report/research_json.hpp>
#include <sobolev_rf/report/theory_json.hpp>
#include <sobolev_rf/plotting/figure_data.hpp>
#include <sobolev_rf/plotting/figure_spec.hpp>
// Distributed runs.
#include <sobolev_rf/distributed/simulation_runner.hpp>
