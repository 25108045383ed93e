#pragma once
// MPI for the command-line program (docs/cluster.md). Nothing here includes mpi.h, so only this
// library's sources see MPI; the other libraries run the same tasks through the Executor
// interface of distributed/executor.hpp.
//
// Rank 0 runs the command as usual (parsing, theory, printing, files); its simulations go to
// an executor that hands the (job, seed) tasks out from one queue, in task order, to whichever
// rank asks next (their costs differ a lot: p and 2p, sampled or exact errors), computes tasks
// itself between hand-outs, and gathers the per-seed results; the reduction then reads them in
// seed order (distributed/task_list.hpp: assemble), so the output is the serial one for every
// number of ranks. The other ranks only serve tasks: they print nothing and write no file.
#include <memory>

#include <sobolev_rf/distributed/executor.hpp>

namespace srf::mpi {

class Session {
 public:
  // Initialises MPI when the program was started by an MPI launcher (mpirun, srun with PMI/PMIx);
  // otherwise the session is inactive and the program runs as one process.
  Session(int& argc, char**& argv);
  // Rank 0: tells the other ranks to stop; then MPI_Finalize.
  ~Session();
  Session(const Session&) = delete;
  Session& operator=(const Session&) = delete;

  int rank() const { return rank_; }
  int size() const { return size_; }
  // Ranks other than 0: compute tasks until rank 0 says stop.
  void serve();
  // Rank 0 of two or more ranks: the executor that spreads tasks over the ranks; else null.
  distributed::Executor* executor();

 private:
  bool initialised_ = false;
  int rank_ = 0, size_ = 1;
  bool threads_ok_ = false;  // MPI_THREAD_SERIALIZED: rank 0 computes while a thread hands out
  std::unique_ptr<distributed::Executor> executor_;
};

}  // namespace srf::mpi
