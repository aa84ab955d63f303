//go:build !unix

package main

import "errors"

// serviceAccountsSupported: off Unix the service runs as the service manager starts it
// (LocalSystem on Windows).
func serviceAccountsSupported() bool { return false }

func lookupIDs(string) (uid, gid int, err error) {
	return 0, 0, errors.New("service users are not supported on this platform")
}

func dropPrivileges(string) error {
	return errors.New("--run-as is not supported on this platform")
}

func ensureServiceAccount(string, string) (bool, error) {
	return false, errors.New("service users are not supported on this platform")
}

func serviceAccount(string) (ours bool, home string, exists bool) { return false, "", false }

func removeServiceAccount(string) error {
	return errors.New("service users are not supported on this platform")
}
