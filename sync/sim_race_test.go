//go:build race

package sync_test

// simDefaultSeeds under the race detector: the pure-Go SQLite runs many times slower
// instrumented, so a race run covers the simulation's code paths with a few seeds and
// make test runs the few hundred without it (Makefile, test).
const simDefaultSeeds = 16
