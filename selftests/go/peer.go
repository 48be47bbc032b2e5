// SPDX-License-Identifier: GPL-2.0

// The Go peer of callers_test: golang.org/x/sys/unix's SysvShm* functions,
// which are Go's own raw system calls (no C library, so no LD_PRELOAD can
// reach them). Its command line is the static C peer's
// (selftests/peer_static.c), so that the tests pair either with the other:
//
//	create KEY SIZE TEXT  make the segment (IPC_CREAT|IPC_EXCL, 0600),
//	                      attach it, write TEXT, print "id=ID nattch=N",
//	                      then hold the attachment until stdin ends
//	verify ID TEXT        attach it read-only, print "nattch=N" while
//	                      attached; status 1 if it does not hold TEXT
//	rm ID                 IPC_RMID
//
// A failed call prints "CALL: errno=N" and exits with status 2.
//
// Built offline by the Makefile (make callers) from Debian's golang-go and
// golang-golang-x-sys-dev: GO111MODULE=off, GOPATH=/usr/share/gocode.
package main

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"strconv"

	"golang.org/x/sys/unix"
)

func fail(call string, err error) {
	var errno unix.Errno
	if !errors.As(err, &errno) {
		errno = 0
	}
	fmt.Printf("%s: errno=%d\n", call, int(errno))
	os.Exit(2)
}

func num(s string) int {
	n, err := strconv.ParseInt(s, 0, 64)
	if err != nil {
		fmt.Fprintf(os.Stderr, "peer: %q: %v\n", s, err)
		os.Exit(2)
	}
	return int(n)
}

func nattch(id int) uint64 {
	var ds unix.SysvShmDesc
	if _, err := unix.SysvShmCtl(id, unix.IPC_STAT, &ds); err != nil {
		fail("shmctl", err)
	}
	return uint64(ds.Nattch)
}

func create(key, size int, text string) {
	id, err := unix.SysvShmGet(key, size, unix.IPC_CREAT|unix.IPC_EXCL|0o600)
	if err != nil {
		fail("shmget", err)
	}
	mem, err := unix.SysvShmAttach(id, 0, 0)
	if err != nil {
		fail("shmat", err)
	}
	copy(mem, text)
	fmt.Printf("id=%d nattch=%d\n", id, nattch(id))
	// Hold the attachment until the test closes our stdin.
	io.Copy(io.Discard, os.Stdin)
	if err := unix.SysvShmDetach(mem); err != nil {
		fail("shmdt", err)
	}
}

func verify(id int, text string) int {
	mem, err := unix.SysvShmAttach(id, 0, unix.SHM_RDONLY)
	if err != nil {
		fail("shmat", err)
	}
	same := len(mem) >= len(text) && bytes.Equal(mem[:len(text)], []byte(text))
	fmt.Printf("nattch=%d\n", nattch(id))
	if !same {
		fmt.Printf("holds: %.32q\n", mem[:min(len(mem), 32)])
	}
	if err := unix.SysvShmDetach(mem); err != nil {
		fail("shmdt", err)
	}
	if same {
		return 0
	}
	return 1
}

func min(a, b int) int {
	if a < b {
		return a
	}
	return b
}

func main() {
	a := os.Args
	switch {
	case len(a) == 5 && a[1] == "create":
		create(num(a[2]), num(a[3]), a[4])
	case len(a) == 4 && a[1] == "verify":
		os.Exit(verify(num(a[2]), a[3]))
	case len(a) == 3 && a[1] == "rm":
		if _, err := unix.SysvShmCtl(num(a[2]), unix.IPC_RMID, nil); err != nil {
			fail("shmctl", err)
		}
	default:
		fmt.Fprintf(os.Stderr, "usage: %s create KEY SIZE TEXT | verify ID TEXT | rm ID\n", a[0])
		os.Exit(2)
	}
}
