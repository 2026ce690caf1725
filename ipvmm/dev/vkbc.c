/* i8042 + PS/2 keyboard model (IBM PC/AT technical reference; QEMU pckbd.c). */
#include "../devices.h"

#define ST_OBF  0x01
#define ST_SYS  0x04
#define ST_CMD  0x08	/* last write went to 0x64 */
#define ST_NOINH 0x10	/* keyboard not inhibited */
#define CB_KBD_INT 0x01
#define CB_KBD_OFF 0x10
#define ACK 0xfa

static bool push(struct vkbc *k, uint8_t b)
{
	if (k->q_count >= VKBC_QUEUE)
		return false;
	k->q[(k->q_head + k->q_count) % VKBC_QUEUE] = b;
	k->q_count++;
	return true;
}

void vkbc_update_irq(struct ipvmm_devs *d)
{
	struct vkbc *k = &d->kbc;

	k->status = (uint8_t)((k->status & ~ST_OBF) | (k->q_count ? ST_OBF : 0));
	vpic_set_irq(d, VKBC_IRQ, k->q_count && (k->cmd_byte & CB_KBD_INT));
}

bool vkbc_key(struct ipvmm_devs *d, uint8_t scancode)
{
	struct vkbc *k = &d->kbc;
	bool ok = false;

	if (k->scanning && !(k->cmd_byte & CB_KBD_OFF))
		ok = push(k, scancode);
	vkbc_update_irq(d);
	return ok;
}

static void reset_request(struct ipvmm_devs *d, uint8_t how)
{
	/* A guest reboot needs a backend service that does not exist yet. */
	ipvmm_unimp(d, "i8042", "system reset request", how);
}

static void controller_cmd(struct ipvmm_devs *d, uint8_t cmd)
{
	struct vkbc *k = &d->kbc;

	switch (cmd) {
	case 0x20: push(k, k->cmd_byte); break;
	case 0x60: case 0xd1: case 0xd2: case 0xd3: case 0xd4:
		k->pending_ctrl = cmd;	/* takes a data byte */
		break;
	case 0xa7: case 0xa8: break;	/* no aux device: nothing to switch */
	case 0xa9: push(k, 0x00); break;	/* aux interface test: ok */
	case 0xaa:			/* controller self-test */
		k->status |= ST_SYS;
		push(k, 0x55);
		break;
	case 0xab: push(k, 0x00); break;	/* keyboard interface test: ok */
	case 0xad: k->cmd_byte |= CB_KBD_OFF; break;
	case 0xae: k->cmd_byte &= (uint8_t)~CB_KBD_OFF; break;
	case 0xc0: push(k, 0x00); break;	/* input port */
	case 0xd0: push(k, k->outport); break;
	default:
		if ((cmd & 0xf0) == 0xf0) {
			if (!(cmd & 1))
				reset_request(d, cmd);	/* pulse output line 0 */
		} else {
			ipvmm_unimp(d, "i8042", "controller command", cmd);
		}
		break;
	}
}

static void keyboard_cmd(struct ipvmm_devs *d, uint8_t b)
{
	struct vkbc *k = &d->kbc;

	if (k->pending_kbd) {		/* argument of ED, F0, F3 */
		uint8_t cmd = k->pending_kbd;

		k->pending_kbd = 0;
		push(k, ACK);
		if (cmd == 0xf0 && b == 0)
			push(k, 0x02);	/* current scancode set */
		else if (cmd == 0xf0 && b != 2)
			ipvmm_unimp(d, "ps2-kbd", "scancode set other than 2", b);
		return;
	}
	switch (b) {
	case 0xed: case 0xf0: case 0xf3:
		k->pending_kbd = b;
		push(k, ACK);
		break;
	case 0xee: push(k, 0xee); break;	/* echo */
	case 0xf2: push(k, ACK); push(k, 0xab); push(k, 0x83); break;
	case 0xf4: k->scanning = true; push(k, ACK); break;
	case 0xf5: k->scanning = false; push(k, ACK); break;
	case 0xf6: k->scanning = true; push(k, ACK); break;
	case 0xff: k->scanning = true; push(k, ACK); push(k, 0xaa); break;
	default:
		ipvmm_unimp(d, "ps2-kbd", "keyboard command", b);
		push(k, 0xfe);	/* resend */
		break;
	}
}

static void controller_data(struct ipvmm_devs *d, uint8_t cmd, uint8_t b)
{
	struct vkbc *k = &d->kbc;

	switch (cmd) {
	case 0x60:
		k->cmd_byte = b;
		k->status = (uint8_t)((k->status & ~ST_SYS) | (b & ST_SYS));
		break;
	case 0xd1:
		k->outport = b;
		if (!(b & 1))
			reset_request(d, b);
		if (!(b & 2))
			ipvmm_unimp(d, "i8042", "A20 gate disabled (A20 stays on)", b);
		break;
	case 0xd2: push(k, b); break;	/* as if from the keyboard */
	default:
		ipvmm_unimp(d, "i8042", "aux (mouse) port", b);
		break;
	}
}

void vkbc_write(struct ipvmm_devs *d, unsigned unused, uint16_t port, uint32_t v)
{
	struct vkbc *k = &d->kbc;
	uint8_t b = (uint8_t)v;

	(void)unused;
	if (port == 0x64) {
		k->status |= ST_CMD;
		k->pending_ctrl = 0;
		controller_cmd(d, b);
	} else {
		k->status &= (uint8_t)~ST_CMD;
		if (k->pending_ctrl) {
			uint8_t cmd = k->pending_ctrl;

			k->pending_ctrl = 0;
			controller_data(d, cmd, b);
		} else {
			keyboard_cmd(d, b);
		}
	}
	vkbc_update_irq(d);
}

uint32_t vkbc_read(struct ipvmm_devs *d, unsigned unused, uint16_t port)
{
	struct vkbc *k = &d->kbc;
	uint8_t b;

	(void)unused;
	if (port == 0x64)
		return k->status;
	/* An empty buffer reads the last byte again, as the latch does. */
	b = k->q[(k->q_head + VKBC_QUEUE - (k->q_count ? 0 : 1)) % VKBC_QUEUE];
	if (k->q_count) {
		k->q_head = (uint8_t)((k->q_head + 1) % VKBC_QUEUE);
		k->q_count--;
	}
	vkbc_update_irq(d);
	return b;
}

/* As the BIOS leaves it: self-test passed, keyboard enabled and scanning,
 * IRQ1 enabled, translation on, A20 on. */
void vkbc_init(struct ipvmm_devs *d)
{
	struct vkbc *k = &d->kbc;

	*k = (struct vkbc){ 0 };
	k->status = ST_SYS | ST_NOINH;
	k->cmd_byte = 0x45;
	k->outport = 0x03;
	k->scanning = true;
	vkbc_update_irq(d);
}
