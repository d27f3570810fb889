package rootfs

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"image/color"
	"net"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"
)

// fakeQMP is a QMP server on a unix socket that answers like QEMU: a
// greeting, capabilities first, an event before each reply, a PPM for
// screendump, and a closed socket after quit.
type fakeQMP struct {
	path string
	mu   sync.Mutex
	got  []map[string]any // commands received, in order
}

func startFakeQMP(t *testing.T) *fakeQMP {
	t.Helper()
	f := &fakeQMP{path: filepath.Join(t.TempDir(), "qmp.sock")}
	l, err := net.Listen("unix", f.path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { l.Close() })
	go func() {
		for {
			c, err := l.Accept()
			if err != nil {
				return
			}
			go f.serve(c)
		}
	}()
	return f
}

func (f *fakeQMP) serve(c net.Conn) {
	defer c.Close()
	fmt.Fprintln(c, `{"QMP": {"version": {"qemu": {"major": 7, "minor": 2, "micro": 0}}, "capabilities": []}}`)
	sc := bufio.NewScanner(c)
	negotiated := false
	for sc.Scan() {
		var req map[string]any
		if err := json.Unmarshal(sc.Bytes(), &req); err != nil {
			fmt.Fprintln(c, `{"error": {"class": "GenericError", "desc": "bad JSON"}}`)
			continue
		}
		f.mu.Lock()
		f.got = append(f.got, req)
		f.mu.Unlock()
		id, _ := json.Marshal(req["id"])
		reply := func(body string) { fmt.Fprintf(c, "{%s, \"id\": %s}\n", body, id) }
		fmt.Fprintln(c, `{"timestamp": {"seconds": 1, "microseconds": 2}, "event": "RTC_CHANGE", "data": {}}`)
		cmd, _ := req["execute"].(string)
		if !negotiated && cmd != "qmp_capabilities" {
			reply(`"error": {"class": "CommandNotFound", "desc": "Expecting capabilities negotiation with 'qmp_capabilities'"}`)
			continue
		}
		switch cmd {
		case "qmp_capabilities":
			negotiated = true
			reply(`"return": {}`)
		case "query-status":
			reply(`"return": {"status": "running", "running": true}`)
		case "screendump":
			args, _ := req["arguments"].(map[string]any)
			name, _ := args["filename"].(string)
			ppm := append([]byte("P6\n# qemu\n2 1\n255\n"), 255, 0, 0, 0, 0, 255)
			if err := os.WriteFile(name, ppm, 0o644); err != nil {
				reply(`"error": {"class": "GenericError", "desc": "cannot write"}`)
				continue
			}
			reply(`"return": {}`)
		case "input-send-event":
			reply(`"return": {}`)
		case "quit":
			reply(`"return": {}`)
			return
		default:
			reply(`"error": {"class": "CommandNotFound", "desc": "The command ` + cmd + ` has not been found"}`)
		}
	}
}

func (f *fakeQMP) commands() []map[string]any {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]map[string]any(nil), f.got...)
}

func TestQMP(t *testing.T) {
	srv := startFakeQMP(t)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	q, err := DialQMP(ctx, srv.path)
	if err != nil {
		t.Fatal(err)
	}
	defer q.Close()

	if st, err := q.Status(ctx); err != nil || st != "running" {
		t.Errorf("Status = %q, %v", st, err)
	}
	shot := filepath.Join(t.TempDir(), "s.ppm")
	if err := q.Screendump(ctx, shot); err != nil {
		t.Fatal(err)
	}
	img, err := ReadPPMFile(shot)
	if err != nil {
		t.Fatal(err)
	}
	if img.Bounds().Dx() != 2 || img.At(0, 0) != (color.RGBA{255, 0, 0, 255}) || img.At(1, 0) != (color.RGBA{0, 0, 255, 255}) {
		t.Errorf("screendump decoded wrong: %v %v", img.At(0, 0), img.At(1, 0))
	}
	if err := q.Tap(ctx, 1279, 0, 1280, 800); err != nil {
		t.Fatal(err)
	}
	var qe *QMPError
	if err := q.Execute(ctx, "no-such-command", nil, nil); !errors.As(err, &qe) || qe.Class != "CommandNotFound" {
		t.Errorf("unknown command: %v", err)
	}
	if err := q.Quit(ctx); err != nil {
		t.Errorf("Quit: %v", err)
	}

	cmds := srv.commands()
	var names []string
	for _, c := range cmds {
		names = append(names, c["execute"].(string))
	}
	want := "qmp_capabilities query-status screendump input-send-event input-send-event no-such-command quit"
	if got := fmt.Sprint(names); got != "["+want+"]" {
		t.Errorf("commands %v, want %s", got, want)
	}
	press, _ := json.Marshal(cmds[3]["arguments"])
	if string(press) != `{"events":[{"data":{"axis":"x","value":32767},"type":"abs"},{"data":{"axis":"y","value":0},"type":"abs"},{"data":{"button":"left","down":true},"type":"btn"}]}` {
		t.Errorf("tap press sent %s", press)
	}
	release, _ := json.Marshal(cmds[4]["arguments"])
	if string(release) != `{"events":[{"data":{"button":"left","down":false},"type":"btn"}]}` {
		t.Errorf("tap release sent %s", release)
	}
}

func TestQMPNotAGreeting(t *testing.T) {
	a, b := net.Pipe()
	defer a.Close()
	go func() { fmt.Fprintln(b, `{"hello": 1}`); b.Close() }()
	if _, err := NewQMP(context.Background(), a); err == nil {
		t.Error("non-QMP peer accepted")
	}
}

func TestQMPDeadline(t *testing.T) {
	a, b := net.Pipe()
	defer a.Close()
	defer b.Close()
	go func() {
		fmt.Fprintln(b, `{"QMP": {}}`)
		bufio.NewReader(b).ReadString('\n') // never answer
	}()
	ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel()
	if _, err := NewQMP(ctx, a); err == nil {
		t.Error("silent peer: no error")
	}
}

func TestDialQMPGivesUp(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
	defer cancel()
	if _, err := DialQMP(ctx, filepath.Join(t.TempDir(), "absent.sock")); err == nil {
		t.Error("dial of a missing socket succeeded")
	}
}
