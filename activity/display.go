//go:build linux || freebsd || openbsd || netbsd || dragonfly

package activity

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"
)

// display is a parsed DISPLAY value: where the X server listens and which display it is.
type display struct {
	network, address string
	host             string // "" for a local socket
	number           string
}

// parseDisplay reads ":0", ":0.1", "unix:0", "host:0", "/tmp/.X11-unix/X0" and
// "/path/to/socket:0" (XQuartz style).
func parseDisplay(s string) (display, error) {
	if s == "" {
		return display{}, errors.New("DISPLAY is not set")
	}
	if strings.HasPrefix(s, "/") {
		if i := strings.LastIndex(s, ":"); i > 0 {
			return display{network: "unix", address: s, number: trimScreen(s[i+1:])}, nil
		}
		base := filepath.Base(s)
		return display{network: "unix", address: s, number: strings.TrimPrefix(base, "X")}, nil
	}
	i := strings.LastIndex(s, ":")
	if i < 0 {
		return display{}, fmt.Errorf("DISPLAY %q has no display number", s)
	}
	host, num := s[:i], trimScreen(s[i+1:])
	n, err := strconv.Atoi(num)
	if err != nil || n < 0 {
		return display{}, fmt.Errorf("DISPLAY %q has no display number", s)
	}
	if j := strings.LastIndex(host, "/"); j >= 0 {
		host = host[j+1:]
	}
	if host == "" || host == "unix" {
		return display{network: "unix", address: "/tmp/.X11-unix/X" + num, number: num}, nil
	}
	return display{network: "tcp", address: net.JoinHostPort(host, strconv.Itoa(6000+n)), host: host, number: num}, nil
}

func trimScreen(s string) string {
	if i := strings.Index(s, "."); i >= 0 {
		return s[:i]
	}
	return s
}

// Xauthority families (X11/Xauth.h).
const (
	familyInternet = 0
	familyLocal    = 256
	familyWild     = 65535
)

// cookie finds the MIT-MAGIC-COOKIE-1 for d in the authority file r (XAUTHORITY, else
// ~/.Xauthority). No entry is not an error: many servers accept local clients without.
func cookie(r io.Reader, d display, hostname string) ([]byte, error) {
	br := bytesReader{r: r}
	for {
		family, err := br.u16()
		if errors.Is(err, io.EOF) {
			return nil, nil
		}
		if err != nil {
			return nil, err
		}
		addr, err := br.field()
		if err != nil {
			return nil, err
		}
		num, err := br.field()
		if err != nil {
			return nil, err
		}
		name, err := br.field()
		if err != nil {
			return nil, err
		}
		data, err := br.field()
		if err != nil {
			return nil, err
		}
		hostOK := family == familyWild ||
			(family == familyLocal && d.host == "" && string(addr) == hostname) ||
			(family == familyInternet && d.host != "" && net.IP(addr).String() == d.host) ||
			(family == familyLocal && d.host == hostname)
		if hostOK && (len(num) == 0 || string(num) == d.number) && string(name) == "MIT-MAGIC-COOKIE-1" {
			return data, nil
		}
	}
}

type bytesReader struct{ r io.Reader }

func (b bytesReader) u16() (uint16, error) {
	var v [2]byte
	if _, err := io.ReadFull(b.r, v[:]); err != nil {
		if errors.Is(err, io.ErrUnexpectedEOF) {
			return 0, fmt.Errorf("truncated authority file: %w", err)
		}
		return 0, err
	}
	return binary.BigEndian.Uint16(v[:]), nil
}

func (b bytesReader) field() ([]byte, error) {
	n, err := b.u16()
	if err != nil {
		if errors.Is(err, io.EOF) {
			return nil, fmt.Errorf("truncated authority file: %w", io.ErrUnexpectedEOF)
		}
		return nil, err
	}
	v := make([]byte, n)
	if _, err := io.ReadFull(b.r, v); err != nil {
		return nil, fmt.Errorf("truncated authority file: %w", err)
	}
	return v, nil
}

// authorityFile is the path of the user's X authority file.
func authorityFile(getenv func(string) string) string {
	if f := getenv("XAUTHORITY"); f != "" {
		return f
	}
	if h := getenv("HOME"); h != "" {
		return filepath.Join(h, ".Xauthority")
	}
	return ""
}

// xconn is a raw X11 connection after the setup handshake: the RECORD data connection,
// which must read a stream of replies to one request, something xgb's reply handling
// does not do.
type xconn struct {
	net.Conn
	idBase uint32
	seq    uint16
}

// dialX connects to d and does the setup handshake, with the MIT-MAGIC-COOKIE-1 from the
// authority file when there is one.
func dialX(d display, getenv func(string) string) (*xconn, error) {
	c, err := net.DialTimeout(d.network, d.address, 5*time.Second)
	if err != nil {
		return nil, fmt.Errorf("connect to the X server: %w", err)
	}
	var auth []byte
	if f := authorityFile(getenv); f != "" {
		if file, err := os.Open(f); err == nil {
			host, _ := os.Hostname()
			auth, err = cookie(file, d, host)
			file.Close()
			if err != nil {
				c.Close()
				return nil, fmt.Errorf("read %s: %w", f, err)
			}
		}
	}
	x := &xconn{Conn: c}
	if err := x.setup(auth); err != nil {
		c.Close()
		return nil, err
	}
	return x, nil
}

func (x *xconn) setup(auth []byte) error {
	name := ""
	if len(auth) > 0 {
		name = "MIT-MAGIC-COOKIE-1"
	}
	var req bytes.Buffer
	req.Write([]byte{'l', 0})
	le := binary.LittleEndian
	req.Write(le.AppendUint16(nil, 11))
	req.Write(le.AppendUint16(nil, 0))
	req.Write(le.AppendUint16(nil, uint16(len(name))))
	req.Write(le.AppendUint16(nil, uint16(len(auth))))
	req.Write([]byte{0, 0})
	req.WriteString(name)
	req.Write(make([]byte, pad(len(name))))
	req.Write(auth)
	req.Write(make([]byte, pad(len(auth))))
	_ = x.SetDeadline(time.Now().Add(5 * time.Second))
	defer x.SetDeadline(time.Time{})
	if _, err := x.Write(req.Bytes()); err != nil {
		return fmt.Errorf("set up the X connection: %w", err)
	}
	head := make([]byte, 8)
	if _, err := io.ReadFull(x, head); err != nil {
		return fmt.Errorf("set up the X connection: %w", err)
	}
	body := make([]byte, int(le.Uint16(head[6:]))*4)
	if _, err := io.ReadFull(x, body); err != nil {
		return fmt.Errorf("set up the X connection: %w", err)
	}
	switch head[0] {
	case 1:
	case 0:
		reason := body[:min(int(head[1]), len(body))]
		return fmt.Errorf("the X server refused the connection: %s", strings.TrimSpace(string(reason)))
	default:
		return errors.New("the X server asks for an authentication this client does not speak")
	}
	if len(body) < 8 {
		return errors.New("set up the X connection: short reply")
	}
	x.idBase = le.Uint32(body[4:])
	return nil
}

// request sends one request and returns its sequence number.
func (x *xconn) request(b []byte) (uint16, error) {
	x.seq++
	_, err := x.Write(b)
	return x.seq, err
}

// reply reads the next 32-byte reply header and its extra data; an X error comes back
// as an error.
func (x *xconn) reply() (head, data []byte, err error) {
	head = make([]byte, 32)
	if _, err := io.ReadFull(x, head); err != nil {
		return nil, nil, err
	}
	switch head[0] {
	case 0:
		return nil, nil, fmt.Errorf("the X server answered error %d (major opcode %d)", head[1], head[10])
	case 1:
		n := binary.LittleEndian.Uint32(head[4:]) * 4
		data = make([]byte, n)
		if _, err := io.ReadFull(x, data); err != nil {
			return nil, nil, err
		}
		return head, data, nil
	default:
		return head, nil, nil // an event; not asked for on this connection
	}
}

// queryExtension asks for an extension's major opcode (0 when the server lacks it).
func (x *xconn) queryExtension(name string) (byte, error) {
	le := binary.LittleEndian
	b := []byte{98, 0}
	b = le.AppendUint16(b, uint16(2+(len(name)+pad(len(name)))/4))
	b = le.AppendUint16(b, uint16(len(name)))
	b = append(b, 0, 0)
	b = append(b, name...)
	b = append(b, make([]byte, pad(len(name)))...)
	if _, err := x.request(b); err != nil {
		return 0, err
	}
	for {
		head, _, err := x.reply()
		if err != nil {
			return 0, err
		}
		if head[0] != 1 {
			continue
		}
		if head[8] == 0 {
			return 0, nil
		}
		return head[9], nil
	}
}

func pad(n int) int { return (4 - n%4) % 4 }
