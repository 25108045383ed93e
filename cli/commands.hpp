#pragma once
// Each sub-command lives in its own file and registers itself on the application.
// A command's callback throws CliError (exit status in it) or std::invalid_argument (bad input,
// exit 2); main() turns both into one line on stderr.
#include <CLI/CLI.hpp>

#include <stdexcept>
#include <string>
#include <vector>

namespace srf::cli {

// Exit status 2: bad input. 3: a single theory point did not converge. 1: validation disagreed.
struct CliError : std::runtime_error {
  int status;
  CliError(int s, const std::string& what) : std::runtime_error(what), status(s) {}
};

// Sub-commands register themselves from their own file (the CLI sources are compiled into the
// executable, so static registrars run):
//   static const CommandRegistrar reg(20, add_simulate_command);
// `order` sorts the commands in --help.
using AddCommand = void (*)(CLI::App&);
struct CommandRegistrar {
  CommandRegistrar(int order, AddCommand add);
};
void add_registered_commands(CLI::App& app);

// The command line as typed (argv joined by blanks, arguments with blanks or quotes single-quoted),
// for the CSV sidecars; set by main().
const std::string& invocation();
void set_invocation(int argc, char** argv);
// The arguments after the program name, as given.
const std::vector<std::string>& invocation_args();

}  // namespace srf::cli
