package moddep

import (
	"bytes"
	"errors"
	"reflect"
	"strings"
	"testing"
	"testing/iotest"
)

const sample = `# comment
kernel/drivers/virtio/virtio_pci.ko: kernel/drivers/virtio/virtio_pci_modern_dev.ko kernel/drivers/virtio/virtio_pci_legacy_dev.ko
kernel/drivers/virtio/virtio_pci_modern_dev.ko:
kernel/drivers/virtio/virtio_pci_legacy_dev.ko:

kernel/drivers/gpu/drm/virtio/virtio-gpu.ko: kernel/drivers/gpu/drm/drm_kms_helper.ko kernel/drivers/gpu/drm/drm.ko
kernel/drivers/gpu/drm/drm_kms_helper.ko: kernel/drivers/gpu/drm/drm.ko
kernel/drivers/gpu/drm/drm.ko:
kernel/fs/ext4/ext4.ko.xz: kernel/fs/jbd2/jbd2.ko.xz kernel/lib/crc16.ko.xz
kernel/fs/jbd2/jbd2.ko.xz:
kernel/lib/crc16.ko.xz:
`

func paths(es []Entry) []string {
	var p []string
	for _, e := range es {
		p = append(p, e.Path)
	}
	return p
}

func TestName(t *testing.T) {
	for in, want := range map[string]string{
		"kernel/drivers/gpio/gpio-pl061.ko":    "gpio_pl061",
		"kernel/fs/ext4/ext4.ko.xz":            "ext4",
		"kernel/drivers/gpu/drm/virtio-gpu.ko": "virtio_gpu",
		"virtio-gpu":                           "virtio_gpu",
		"videobuf2-v4l2":                       "videobuf2_v4l2",
		"a.ko.zst":                             "a",
	} {
		if got := Name(in); got != want {
			t.Errorf("Name(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestClosure(t *testing.T) {
	d, err := Parse(iotest.OneByteReader(strings.NewReader(sample)))
	if err != nil {
		t.Fatal(err)
	}
	if d.Len() != 9 {
		t.Fatalf("Len = %d, want 9", d.Len())
	}
	for _, tc := range []struct {
		name string
		ask  []string
		want []string
	}{
		{"leaf", []string{"drm"}, []string{"kernel/drivers/gpu/drm/drm.ko"}},
		{"deps first, once", []string{"virtio_gpu", "drm"}, []string{
			"kernel/drivers/gpu/drm/drm.ko",
			"kernel/drivers/gpu/drm/drm_kms_helper.ko",
			"kernel/drivers/gpu/drm/virtio/virtio-gpu.ko",
		}},
		{"dash name", []string{"virtio-gpu"}, []string{
			"kernel/drivers/gpu/drm/drm.ko",
			"kernel/drivers/gpu/drm/drm_kms_helper.ko",
			"kernel/drivers/gpu/drm/virtio/virtio-gpu.ko",
		}},
		{"asked order kept", []string{"ext4", "virtio_pci"}, []string{
			"kernel/fs/jbd2/jbd2.ko.xz",
			"kernel/lib/crc16.ko.xz",
			"kernel/fs/ext4/ext4.ko.xz",
			"kernel/drivers/virtio/virtio_pci_modern_dev.ko",
			"kernel/drivers/virtio/virtio_pci_legacy_dev.ko",
			"kernel/drivers/virtio/virtio_pci.ko",
		}},
		{"nothing", nil, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := d.Closure(tc.ask)
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(paths(got), tc.want) {
				t.Errorf("Closure(%v) =\n %v\nwant\n %v", tc.ask, paths(got), tc.want)
			}
		})
	}
}

func TestClosureErrors(t *testing.T) {
	d, err := Parse(strings.NewReader("a.ko: b.ko\nb.ko: c.ko\nc.ko: a.ko\nd.ko: e.ko\n"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := d.Closure([]string{"a"}); err == nil || !strings.Contains(err.Error(), "cycle") {
		t.Errorf("cycle: err = %v", err)
	}
	var me *MissingError
	if _, err := d.Closure([]string{"d"}); !errors.As(err, &me) || me.Name != "e" || me.NeededBy != "d" {
		t.Errorf("missing dependency: err = %v", err)
	}
	if _, err := d.Closure([]string{"zz"}); !errors.As(err, &me) || me.Name != "zz" || me.NeededBy != "" {
		t.Errorf("missing module: err = %v", err)
	}
}

func TestParseErrors(t *testing.T) {
	for _, in := range []string{
		"kernel/a.ko\n",
		": kernel/a.ko\n",
		"/lib/modules/a.ko:\n",
		"kernel/../a.ko:\n",
		"../a.ko:\n",
		"kernel/a.ko: /abs.ko\n",
		"kernel/a.ko:\nother/a.ko:\n",
		"kernel/.ko:\n",
		"kernel/a.b.ko:\n",
		"kernel/a.ko: kernel/x y.ko\n",
	} {
		if _, err := Parse(strings.NewReader(in)); err == nil {
			t.Errorf("Parse(%q) accepted", in)
		}
	}
}

func TestWriteRoundTrip(t *testing.T) {
	d, err := Parse(strings.NewReader(sample))
	if err != nil {
		t.Fatal(err)
	}
	all, err := d.Closure(d.Names())
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := Write(&buf, all); err != nil {
		t.Fatal(err)
	}
	d2, err := Parse(&buf)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(d, d2) {
		t.Errorf("round trip changed the table:\n%v\n%v", d, d2)
	}
}

func TestBuiltin(t *testing.T) {
	b, err := ParseBuiltin(strings.NewReader("kernel/drivers/gpio/gpio-pl061.ko\n\nkernel/drivers/tty/serial/8250/8250_pci.ko\n"))
	if err != nil {
		t.Fatal(err)
	}
	if !b.Has("gpio_pl061") || !b.Has("8250-pci") || b.Has("virtio_gpu") {
		t.Errorf("Builtin = %v", b)
	}
	if _, err := ParseBuiltin(strings.NewReader("/abs.ko\n")); err == nil {
		t.Error("absolute path accepted")
	}
}

// FuzzParse checks that any input either fails or gives a table whose
// closure of every module is dependency ordered and that survives a
// round trip through Write.
func FuzzParse(f *testing.F) {
	f.Add(sample)
	f.Add("a.ko: b.ko\nb.ko:\n")
	f.Add("a.ko: a.ko\n")
	f.Add("#x\n\n a-b.ko.zst :  c.ko \n")
	f.Fuzz(func(t *testing.T, in string) {
		d, err := Parse(strings.NewReader(in))
		if err != nil {
			return
		}
		order, err := d.Closure(d.Names())
		if err != nil {
			return // cycles and missing dependencies are reported, not fatal
		}
		pos := map[string]int{}
		for i, e := range order {
			pos[Name(e.Path)] = i
		}
		for i, e := range order {
			for _, r := range e.Requires {
				if j, ok := pos[Name(r)]; !ok || j >= i {
					t.Fatalf("%s loads before its dependency %s", e.Path, r)
				}
			}
		}
		var buf bytes.Buffer
		if err := Write(&buf, order); err != nil {
			t.Fatal(err)
		}
		if _, err := Parse(&buf); err != nil {
			t.Fatalf("written table does not parse: %v\n%s", err, buf.String())
		}
	})
}

func FuzzParseBuiltin(f *testing.F) {
	f.Add("kernel/a.ko\nkernel/b-c.ko\n")
	f.Fuzz(func(t *testing.T, in string) {
		b, err := ParseBuiltin(strings.NewReader(in))
		if err != nil {
			return
		}
		for k := range b {
			if !b.Has(k) {
				t.Fatalf("Has(%q) false for a listed name", k)
			}
		}
	})
}
