//go:build !race

package sync_test

// simDefaultSeeds is what a plain go test runs: a few hundred seeds in about a minute.
const simDefaultSeeds = 300
