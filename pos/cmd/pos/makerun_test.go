package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"strings"
	"syscall"
	"testing"
	"time"
)

// TestMakeRun runs what `make run` runs (tools/run.sh over freshly built
// binaries) with no standard input, pays the sample order through its
// terminal as a second POS and a customer would, and stops it all with one
// SIGTERM to the script.
func TestMakeRun(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and starts the whole demo")
	}
	if out, err := exec.Command("go", "env", "GOHOSTARCH").Output(); err != nil || strings.TrimSpace(string(out)) != runtime.GOARCH {
		t.Skip("runs host binaries; this test binary is cross-built")
	}
	for _, port := range []string{"8080", "8443", "8090"} {
		if c, err := net.Dial("tcp", "127.0.0.1:"+port); err == nil {
			c.Close()
			if os.Getenv("CI") != "" {
				t.Fatalf("port %s is taken", port)
			}
			t.Skipf("port %s is taken (is `make run` already running?)", port)
		}
	}
	root, err := filepath.Abs("../../..")
	if err != nil {
		t.Fatal(err)
	}
	build := exec.Command("make", "--no-print-directory", "build")
	build.Dir = root
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("make build: %v\n%s", err, out)
	}

	run := exec.Command("bash", "tools/run.sh")
	run.Dir = root
	run.SysProcAttr = &syscall.SysProcAttr{Setpgid: true} // to clean up after a failure
	stdout, err := run.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	run.Stderr = os.Stderr
	if err := run.Start(); err != nil {
		t.Fatal(err)
	}
	exited := make(chan error, 1)
	go func() { exited <- run.Wait() }()
	t.Cleanup(func() {
		syscall.Kill(-run.Process.Pid, syscall.SIGKILL)
	})

	codeLine := regexp.MustCompile(`a payment code to try \(valid until [0-9:]+\): ([0-9]{18})`)
	lines := make(chan string, 64)
	go func() {
		sc := bufio.NewScanner(stdout)
		for sc.Scan() {
			lines <- sc.Text()
		}
		close(lines)
	}()
	var code string
	var seen []string
	for deadline := time.After(60 * time.Second); code == ""; {
		select {
		case l, ok := <-lines:
			if !ok {
				t.Fatalf("make run ended early:\n%s", strings.Join(seen, "\n"))
			}
			seen = append(seen, l)
			if m := codeLine.FindStringSubmatch(l); m != nil {
				code = m[1]
			}
		case <-deadline:
			t.Fatalf("no payment code printed:\n%s", strings.Join(seen, "\n"))
		}
	}
	go func() {
		for range lines {
		}
	}()
	if !strings.Contains(strings.Join(seen, "\n"), "http://127.0.0.1:8080/") {
		t.Fatalf("the page's URL was not printed:\n%s", strings.Join(seen, "\n"))
	}

	// A second POS sends the sample order; the customer pays on the page.
	send := exec.Command(filepath.Join(root, "bin/pos"), "send", "-order", filepath.Join(root, "pos/sample-order.json"))
	var sendOut bytes.Buffer
	send.Stdout, send.Stderr = &sendOut, &sendOut
	if err := send.Start(); err != nil {
		t.Fatal(err)
	}
	tap := func(action string) {
		t.Helper()
		for deadline := time.Now().Add(20 * time.Second); time.Now().Before(deadline); time.Sleep(50 * time.Millisecond) {
			var st struct {
				Buttons []struct {
					Action string
					Rect   struct{ X, Y, W, H int }
				}
			}
			resp, err := http.Get("http://127.0.0.1:8080/sim/state")
			if err != nil {
				continue
			}
			json.NewDecoder(resp.Body).Decode(&st)
			resp.Body.Close()
			for _, b := range st.Buttons {
				if b.Action == action {
					body := fmt.Sprintf(`{"x":%d,"y":%d}`, b.Rect.X+b.Rect.W/2, b.Rect.Y+b.Rect.H/2)
					if resp, err := http.Post("http://127.0.0.1:8080/sim/touch", "application/json", strings.NewReader(body)); err == nil {
						resp.Body.Close()
						return
					}
				}
			}
		}
		t.Fatalf("no %s button on the terminal", action)
	}
	tap("confirm")
	tap("choose-code")
	for deadline := time.Now().Add(20 * time.Second); ; time.Sleep(50 * time.Millisecond) {
		resp, err := http.Post("http://127.0.0.1:8080/sim/scan", "application/json", strings.NewReader(`{"code":"`+code+`"}`))
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				break
			}
		}
		if time.Now().After(deadline) {
			t.Fatal("the terminal never asked for the code")
		}
	}
	if err := send.Wait(); err != nil || !strings.Contains(sendOut.String(), "PAID") {
		t.Fatalf("pos send: %v\n%s", err, sendOut.String())
	}

	// One SIGTERM to the script stops the terminal, the host and the demo.
	if err := run.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	select {
	case <-exited:
	case <-time.After(15 * time.Second):
		t.Fatal("make run did not stop on SIGTERM")
	}
	for deadline := time.Now().Add(5 * time.Second); ; time.Sleep(100 * time.Millisecond) {
		busy := ""
		for _, port := range []string{"8080", "8443", "8090"} {
			if c, err := net.Dial("tcp", "127.0.0.1:"+port); err == nil {
				c.Close()
				busy = port
			}
		}
		if busy == "" {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("port %s still served after make run stopped", busy)
		}
	}
}
