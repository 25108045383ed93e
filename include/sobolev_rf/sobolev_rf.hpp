#pragma once
// sobolev-rf: exact high-dimensional errors of random-features models trained on function
// values and sketched gradients (Sobolev training), and the finite-size simulator that checks
// them. One header for the whole library; the model and its names: docs/model.md.
//
//   #include <sobolev_rf/sobolev_rf.hpp>
//   srf::theory::ModelParams p;  p.k = 1;  p.varpi = {0.7};
//   const srf::theory::TheoryResult r = srf::theory::solve_theory(p);
//
// Modules (each usable on its own): numerics <- theory <- validation <- report <- plotting;
// report <- distributed (task lists, shards, checkpoints: docs/cluster.md).
#include "distributed/checkpoint.hpp"
#include "distributed/executor.hpp"
#include "distributed/shards.hpp"
#include "distributed/simulation_job.hpp"
#include "distributed/task_list.hpp"
#include "numerics/solver_summary.hpp"
#include "plotting/csv_tables.hpp"
#include "plotting/figure_data.hpp"
#include "plotting/figure_spec.hpp"
#include "plotting/gnuplot_script.hpp"
#include "plotting/legendre_example.hpp"
#include "report/comparison_csv.hpp"
#include "report/curve_csv.hpp"
#include "report/run_metadata.hpp"
#include "report/theory_json.hpp"
#include "theory/activation.hpp"
#include "theory/curve.hpp"
#include "theory/gaussian_equivalence.hpp"
#include "theory/grid.hpp"
#include "theory/model_params.hpp"
#include "theory/optimal_lambda.hpp"
#include "theory/optimize.hpp"
#include "theory/parameter_registry.hpp"
#include "theory/parameter_sweep.hpp"
#include "theory/points_file.hpp"
#include "theory/saddle_point.hpp"
#include "theory/sketch_scale.hpp"
#include "theory/theory_result.hpp"
#include "theory/training_comparison.hpp"
#include "theory/varpi_law.hpp"
#include "validation/comparison.hpp"
#include "validation/simulator.hpp"
