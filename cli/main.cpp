// sobolev-rf: exact high-dimensional errors of random-features models trained with function
// values and sketched gradients (Sobolev training), checked against finite-size simulation.
#include <CLI/CLI.hpp>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <stdexcept>
#include <utility>
#include <vector>

#include <sobolev_rf/cli/commands.hpp>
#include <sobolev_rf/cli/model_flags.hpp>
#include <sobolev_rf/model/model_params.hpp>
#ifdef SRF_HAVE_MPI
#include <sobolev_rf/cli/run_flags.hpp>
#include <sobolev_rf/mpi/mpi_session.hpp>
#endif

namespace srf::cli {

namespace {
std::vector<std::pair<int, AddCommand>>& registry() {
  static std::vector<std::pair<int, AddCommand>> r;
  return r;
}
}  // namespace

CommandRegistrar::CommandRegistrar(int order, AddCommand add) { registry().emplace_back(order, add); }

namespace {
std::string& invocation_text() {
  static std::string s;
  return s;
}
}  // namespace

const std::string& invocation() { return invocation_text(); }

namespace {
std::vector<std::string>& invocation_list() {
  static std::vector<std::string> v;
  return v;
}
}  // namespace

const std::vector<std::string>& invocation_args() { return invocation_list(); }

void set_invocation(int argc, char** argv) {
  std::string& s = invocation_text();
  s.clear();
  invocation_list().assign(argv + std::min(argc, 1), argv + argc);
  for (int i = 0; i < argc; ++i) {
    std::string a = argv[i];
    if (a.empty() || a.find_first_of(" \t'\"$;&|<>*?()") != std::string::npos) {
      std::string q = "'";
      for (char ch : a) q += ch == '\'' ? std::string("'\\''") : std::string(1, ch);
      a = q + "'";
    }
    s += (i ? " " : "") + a;
  }
}

void add_registered_commands(CLI::App& app) {
  auto r = registry();
  std::sort(r.begin(), r.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
  for (const auto& [order, add] : r) add(app);
}

}  // namespace srf::cli

int main(int argc, char** argv) {
#ifdef SRF_HAVE_MPI
  // Under mpirun: ranks other than 0 serve simulation tasks; rank 0 runs the command
  // (mpi/mpi_session.hpp). The session ends (and stops the other ranks) when main returns.
  srf::mpi::Session mpi(argc, argv);
  if (mpi.rank() != 0) {
    mpi.serve();
    return 0;
  }
  srf::cli::set_executor(mpi.executor());
#else
  // Started by mpirun without MPI support: every rank would run the whole command.
  for (const char* v : {"OMPI_COMM_WORLD_SIZE", "PMI_SIZE"})
    if (const char* n = std::getenv(v); n && std::atoi(n) > 1) {
      std::cerr << "sobolev-rf: error: started with " << n
                << " MPI ranks, but built without MPI (-DSRF_MPI=OFF); rebuild with libopenmpi-dev, or use "
                   "--shard i/N (docs/cluster.md)\n";
      return 2;
    }
#endif
  CLI::App app{"sobolev-rf: asymptotic errors of random features with Sobolev training"};
  app.require_subcommand(1);
  srf::cli::set_invocation(argc, argv);
  srf::cli::add_registered_commands(app);
  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    std::cerr << "sobolev-rf: error: " << e.what() << "\n";
    return 2;
  } catch (const srf::cli::CliError& e) {
    std::cerr << "sobolev-rf: " << e.what() << "\n";
    return e.status;
  } catch (const srf::model::InvalidParameter& e) {
    // The library names the field ("lambda = 0: ..."); the CLI user typed the flag.
    std::cerr << "sobolev-rf: error: " << e.message(srf::cli::flag_spelling) << "\n";
    return 2;
  } catch (const std::invalid_argument& e) {
    std::cerr << "sobolev-rf: error: " << e.what() << "\n";
    return 2;
  } catch (const std::exception& e) {
    std::cerr << "sobolev-rf: internal error: " << e.what() << "\n";
    return 4;
  }
  return 0;
}
