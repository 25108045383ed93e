#pragma once
// sobolev-rf: exact high-dimensional errors of random-features models trained on function
// values and sketched gradients (Sobolev training), and the finite-size simulator that checks
// them. One header for the whole library; the model and its names: docs/model.md.
//
//   #include <sobolev_rf/sobolev_rf.hpp>
//   srf::model::ModelParams p;  p.k = 1;  p.varpi = {0.7};
//   const srf::theory::TheoryResult r = srf::theory::solve_theory(p);
//
// Modules (each usable on its own): numerics <- theory <- validation <- report <- plotting;
// report <- distributed (task lists, shards, checkpoints: docs/cluster.md).
#include <sobolev_rf/distributed/checkpoint.hpp>
#include <sobolev_rf/distributed/executor.hpp>
#include <sobolev_rf/distributed/shards.hpp>
#include <sobolev_rf/distributed/simulation_job.hpp>
#include <sobolev_rf/distributed/task_list.hpp>
#include <sobolev_rf/numerics/solver_summary.hpp>
#include <sobolev_rf/plotting/csv_tables.hpp>
#include <sobolev_rf/plotting/figure_data.hpp>
#include <sobolev_rf/plotting/figure_spec.hpp>
#include <sobolev_rf/plotting/gnuplot_script.hpp>
#include <sobolev_rf/plotting/legendre_example.hpp>
#include <sobolev_rf/report/comparison_csv.hpp>
#include <sobolev_rf/report/curve_csv.hpp>
#include <sobolev_rf/report/run_metadata.hpp>
#include <sobolev_rf/report/theory_json.hpp>
#include <sobolev_rf/model/activation.hpp>
#include <sobolev_rf/studies/curve.hpp>
#include <sobolev_rf/model/gaussian_equivalence.hpp>
#include <sobolev_rf/studies/grid.hpp>
#include <sobolev_rf/model/model_params.hpp>
#include <sobolev_rf/studies/optimal_lambda.hpp>
#include <sobolev_rf/studies/optimize.hpp>
#include <sobolev_rf/model/parameter_table.hpp>
#include <sobolev_rf/studies/parameter_sweep.hpp>
#include <sobolev_rf/studies/points_file.hpp>
#include <sobolev_rf/theory/saddle_point.hpp>
#include <sobolev_rf/theory/sketch_scale.hpp>
#include <sobolev_rf/theory/theory_result.hpp>
#include <sobolev_rf/studies/training_comparison.hpp>
#include <sobolev_rf/theory/varpi_law.hpp>
#include <sobolev_rf/studies/theory_vs_simulation.hpp>
#include <sobolev_rf/simulation/simulator.hpp>
