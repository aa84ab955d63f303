package main

import (
	"encoding/binary"
	"errors"
	"fmt"
	"hash/fnv"
	"os/exec"
	"slices"
	"time"
)

// The description field of the timer screen, in window pixels (the window opens at 1040×680):
// typing changes this region and nothing else does.
const fieldX0, fieldX1, fieldY0, fieldY1 = 220, 700, 20, 46

// keyLatency starts the app, gives it the focus, and times presses of a key in the
// description field until the field is drawn again: what the main loop adds between input
// and a frame. It returns the median and the worst of presses.
func keyLatency(a app, env []string, presses int) (median, worst time.Duration, err error) {
	p, _, err := start(a, env)
	if err != nil {
		return 0, 0, err
	}
	defer stop(p)
	wid, err := window(a.title)
	if err != nil {
		return 0, 0, err
	}
	if err := focus(wid); err != nil {
		return 0, 0, err
	}
	time.Sleep(time.Second)
	var times []time.Duration
	for range presses {
		before, err := fieldHash(wid)
		if err != nil {
			return 0, 0, err
		}
		t0 := time.Now()
		if out, err := exec.Command("xdotool", "type", "a").CombinedOutput(); err != nil {
			return 0, 0, fmt.Errorf("xdotool type: %v %s", err, out)
		}
		for {
			h, err := fieldHash(wid)
			if err != nil {
				return 0, 0, err
			}
			if h != before {
				break
			}
			if time.Since(t0) > 3*time.Second {
				return 0, 0, errors.New("the description field did not change within 3s of a key press")
			}
		}
		times = append(times, time.Since(t0))
		time.Sleep(200 * time.Millisecond)
	}
	slices.Sort(times)
	return times[len(times)/2], times[len(times)-1], nil
}

// fieldHash hashes the description field's pixels in a screenshot of the window.
func fieldHash(wid string) (uint64, error) {
	img, err := exec.Command("xwd", "-silent", "-id", wid).Output()
	if err != nil {
		return 0, fmt.Errorf("xwd: %w", err)
	}
	if len(img) < 100 {
		return 0, errors.New("xwd: short dump")
	}
	be := binary.BigEndian
	header, width, height := be.Uint32(img[0:]), be.Uint32(img[4*4:]), be.Uint32(img[5*4:])
	bpp, stride, ncolors := be.Uint32(img[11*4:]), be.Uint32(img[12*4:]), be.Uint32(img[19*4:])
	if bpp != 32 || width < fieldX1 || height < fieldY1 {
		return 0, fmt.Errorf("xwd: %dx%d at %d bits per pixel", width, height, bpp)
	}
	start := int(header) + int(ncolors)*12
	h := fnv.New64a()
	for y := fieldY0; y < fieldY1; y++ {
		row := start + y*int(stride)
		if row+fieldX1*4 > len(img) {
			return 0, errors.New("xwd: truncated dump")
		}
		h.Write(img[row+fieldX0*4 : row+fieldX1*4])
	}
	return h.Sum64(), nil
}
