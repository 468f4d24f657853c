#pragma once
// The Store contract: every backend runs this same suite, unchanged.
// A backend provides a factory that opens a fresh, migrated store on the
// given clock (reopen() must reach the same data).
#include <functional>
#include <memory>

#include "core/store/store.hpp"
#include "tests/support/manual_clock.hpp"

namespace ralph::test {

struct StoreFactory {
  std::function<std::unique_ptr<store::Store>(clock::Clock&)> open;   // fresh store
  std::function<std::unique_ptr<store::Store>(clock::Clock&)> reopen; // same data, new connection
};

// Runs every contract section (call it from one TEST_CASE per backend).
void run_store_contract(const StoreFactory& factory);
// The fleet budget ledger (store_contract_budgets.cpp).
void run_budget_contract(const StoreFactory& factory);

} // namespace ralph::test
