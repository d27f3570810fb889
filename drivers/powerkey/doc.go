// Package powerkey notices presses of the power key: the input device
// that reports KEY_POWER and few other keys, such as the gpio-keys button
// QEMU's virt machine wires to PL061 line 3 (pressed by QMP
// system_powerdown) or a terminal's power button on a PMIC — not a
// keyboard or remote control that also has a power key.
//
// The Decoder reads presses from any io.Reader of struct input_event
// records and is testable anywhere; Find and Watch add the Linux device
// side. References, in the Linux kernel tree:
// include/uapi/linux/input-event-codes.h (KEY_POWER),
// Documentation/input/event-codes.rst (EV_KEY values, SYN_REPORT framing,
// SYN_DROPPED) and Documentation/devicetree/bindings/input/gpio-keys.yaml.
package powerkey
