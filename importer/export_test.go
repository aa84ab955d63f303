package importer

// SetMaxZipBytes lowers the ZIP's unpacked bound for a test and gives back the old one.
func SetMaxZipBytes(n int64) (old int64) {
	old, maxZipBytes = maxZipBytes, n
	return old
}
