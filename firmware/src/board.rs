//! Probes that need the hardware (or QEMU's model of it).

use core::ops::ControlFlow;
use core::ptr::addr_of;

use cortex_m::peripheral::syst::SystClkSource;
use cortex_m::peripheral::SYST;
use stacknet::prelude::EpochReport;
use stacknet::train::Reporter;

/// Prints one line to the host's standard output, piece by piece: each
/// piece is a [`Say`] (`&str`, an unsigned integer, `bool`, [`Hex`]).
/// `core::fmt` would take some 4 KB of every image's flash (its padding,
/// its tables); `ufmt` is inlined at every call and measured larger still.
#[macro_export]
macro_rules! say {
    ($($piece:expr),* $(,)?) => {{
        let mut line = $crate::board::Line::new();
        $( $crate::board::Say::say(&$piece, &mut line); )*
        line.end();
    }};
}

/// A line of text on its way to the host, written out by semihosting at
/// its end (or when its buffer is full).
pub struct Line {
    buffer: [u8; 96],
    len: usize,
}

impl Line {
    /// An empty line.
    pub fn new() -> Self {
        Line {
            buffer: [0; 96],
            len: 0,
        }
    }

    /// Appends bytes, writing out the buffer when it fills.
    #[inline(never)]
    pub fn push(&mut self, bytes: &[u8]) {
        for &byte in bytes {
            if self.len >= self.buffer.len() {
                self.flush();
            }
            if let Some(slot) = self.buffer.get_mut(self.len) {
                *slot = byte;
                self.len += 1;
            }
        }
    }

    /// Ends the line and writes it out.
    #[inline(never)]
    pub fn end(&mut self) {
        self.push(b"\n");
        self.flush();
    }

    fn flush(&mut self) {
        if let (Ok(mut stdout), Some(text)) = (
            cortex_m_semihosting::hio::hstdout(),
            self.buffer.get(..self.len),
        ) {
            let _ = stdout.write_all(text);
        }
        self.len = 0;
    }
}

impl Default for Line {
    fn default() -> Self {
        Line::new()
    }
}

/// A value [`say!`] can print.
pub trait Say {
    /// Appends the value's text to `line`.
    fn say(&self, line: &mut Line);
}

impl Say for &str {
    fn say(&self, line: &mut Line) {
        line.push(self.as_bytes());
    }
}

impl Say for bool {
    fn say(&self, line: &mut Line) {
        line.push(if *self { b"true" } else { b"false" });
    }
}

impl Say for u64 {
    /// In decimal.
    #[inline(never)]
    fn say(&self, line: &mut Line) {
        // Digits from the last; at most 20 for a u64.
        let mut digits = [0u8; 20];
        let mut count = 0;
        let mut v = *self;
        for digit in digits.iter_mut().rev() {
            let (quotient, remainder) = div_rem(v, 10);
            *digit = b'0' + remainder as u8;
            count += 1;
            v = quotient;
            if v == 0 {
                break;
            }
        }
        line.push(digits.get(20 - count..).unwrap_or(&[]));
    }
}

impl Say for u32 {
    fn say(&self, line: &mut Line) {
        u64::from(*self).say(line);
    }
}

impl Say for usize {
    fn say(&self, line: &mut Line) {
        (*self as u64).say(line);
    }
}

/// `(n / d, n % d)` by shifting and subtracting, one bit at a time, and
/// `(0, n)` when `d` is 0. The images divide a handful of `u64`s, after
/// the measured call; the `u64` division the compiler links for `/` is
/// some 900 B of Cortex-M code, this is a few dozen.
#[inline(never)]
pub fn div_rem(n: u64, d: u64) -> (u64, u64) {
    if d == 0 {
        return (0, n);
    }
    // n's bits move out at the top into the remainder while the
    // quotient's move in at the bottom. The opaque count keeps the
    // compiler from unrolling the loop, which would undo the saving.
    let (mut bits, mut remainder) = (n, 0u64);
    let mut left = 64u32;
    while core::hint::black_box(left) > 0 {
        left -= 1;
        remainder = (remainder << 1) | (bits >> 63);
        bits <<= 1;
        if remainder >= d {
            remainder -= d;
            bits |= 1;
        }
    }
    (bits, remainder)
}

/// A 32-bit word printed as `0x` and eight hexadecimal digits (`{:#010x}`).
pub struct Hex(pub u32);

impl Say for Hex {
    #[inline(never)]
    fn say(&self, line: &mut Line) {
        let mut text = *b"0x00000000";
        for (i, digit) in text[2..].iter_mut().enumerate() {
            let nibble = (self.0 >> (28 - 4 * i)) & 0xf;
            *digit = b"0123456789abcdef"[nibble as usize];
        }
        line.push(&text);
    }
}

/// One entry of the vector table.
pub type Vector = unsafe extern "C" fn();

extern "C" {
    // cortex-m-rt's handler for every exception and interrupt not given one.
    fn DefaultHandler();
}

/// The interrupt part of the vector table, given by the images themselves
/// (cortex-m-rt's device feature) so that an ARMv7-M image does not carry
/// cortex-m-rt's generic 240 entries, 960 B of flash. The images enable no
/// interrupt, so 32 entries, each to the default handler, are plenty on
/// both boards; an image that enables one needs its board's table.
#[link_section = ".vector_table.interrupts"]
#[no_mangle]
pub static __INTERRUPTS: [Vector; 32] = [DefaultHandler; 32];

/// The machine the image is built for.
#[cfg(microbit)]
pub const MACHINE: &str = "microbit (Cortex-M0, soft float)";
/// The machine the image is built for.
#[cfg(not(microbit))]
pub const MACHINE: &str = "mps2-an386 (Cortex-M4F)";

/// Instructions per SysTick tick, times 2, under `-icount shift=0` (one
/// instruction per virtual ns): the microbit's 16 MHz clock gives 62.5,
/// the mps2's 25 MHz gives 40.
#[cfg(microbit)]
const INSTRUCTIONS_PER_TICK_X2: u64 = 125;
#[cfg(not(microbit))]
const INSTRUCTIONS_PER_TICK_X2: u64 = 80;

/// Ends the QEMU run with `code` as the process's exit status
/// (semihosting `SYS_EXIT_EXTENDED`, reason `ADP_Stopped_ApplicationExit`).
pub fn exit(code: u32) -> ! {
    let block: [u32; 2] = [0x20026, code];
    // SAFETY: SYS_EXIT_EXTENDED reads the two-word block and does not return.
    unsafe { cortex_m_semihosting::syscall(0x20, &block) };
    loop {
        cortex_m::asm::nop();
    }
}

extern "C" {
    // Defined by cortex-m-rt's link.x: the top (initial SP) and bottom of the stack.
    static _stack_start: u32;
    static _stack_end: u32;
}

const PAINT: u32 = 0xCCCC_CCCC;

/// The current stack pointer.
#[inline(always)]
pub fn stack_pointer() -> usize {
    cortex_m::register::msp::read() as usize
}

/// Re-paints the free stack (below this function's frame, with 64 bytes to
/// spare) so that the next call's high-water mark can be read.
#[inline(never)]
pub fn repaint_stack() {
    let stop = (stack_pointer() - 64) as *mut u32;
    let mut p = addr_of!(_stack_end) as *mut u32;
    while p < stop {
        // SAFETY: between the bottom of the stack and below the live frames.
        unsafe {
            p.write_volatile(PAINT);
            p = p.add(1);
        }
    }
}

/// The lowest stack address written since the last painting.
pub fn lowest_dirty() -> usize {
    let top = addr_of!(_stack_start);
    let mut p = addr_of!(_stack_end);
    // SAFETY: reads words of the stack region only.
    while p < top && unsafe { p.read_volatile() } == PAINT {
        p = unsafe { p.add(1) };
    }
    p as usize
}

/// The top of the stack (its initial value).
pub fn stack_top() -> usize {
    addr_of!(_stack_start) as usize
}

/// Counts instructions with SysTick, lap by lap: a [`Reporter`] that
/// closes a lap at the end of every epoch (a lap must stay under 2^24
/// ticks, about 670 M instructions).
pub struct Clock {
    last: u32,
    ticks: u64,
}

impl Clock {
    /// Starts SysTick on the core clock and the count.
    pub fn start() -> Self {
        // SAFETY: the images use SysTick only here, from one thread.
        let mut syst = unsafe { cortex_m::Peripherals::steal() }.SYST;
        syst.set_clock_source(SystClkSource::Core);
        syst.set_reload(0x00FF_FFFF);
        syst.clear_current();
        syst.enable_counter();
        Clock {
            last: SYST::get_current(),
            ticks: 0,
        }
    }

    /// Closes a lap.
    #[inline(always)]
    pub fn lap(&mut self) {
        let now = SYST::get_current();
        self.ticks += u64::from(self.last.wrapping_sub(now) & 0x00FF_FFFF);
        self.last = now;
    }

    /// Instructions counted over the closed laps.
    pub fn instructions(&self) -> u64 {
        self.ticks * INSTRUCTIONS_PER_TICK_X2 / 2
    }
}

impl Reporter for Clock {
    #[inline(always)]
    fn report(&mut self, _: &EpochReport) -> ControlFlow<()> {
        self.lap();
        ControlFlow::Continue(())
    }
}

/// Makes the training call: `fit(call, clock)` through a function pointer
/// the optimiser cannot see through, so it stays a real call whose stack
/// the probe, started just before, measures into `stack`.
#[inline(always)]
pub fn probed<C, R>(
    call: C,
    clock: &mut Clock,
    stack: &mut Option<StackProbe>,
    fit: fn(C, &mut Clock) -> R,
) -> R {
    let probe = StackProbe::start();
    let fit = core::hint::black_box(fit);
    let result = fit(call, clock);
    *stack = Some(probe);
    result
}

/// Prints the figures every training image reports: instructions per epoch
/// and per sample, flash, static RAM, the stack peaks, and the training
/// state (`net_bytes` + `trainer_bytes`).
pub fn print_resources(
    instructions: u64,
    epochs: u64,
    samples_per_epoch: u64,
    stack: &StackProbe,
    net_bytes: usize,
    trainer_bytes: usize,
) {
    let (per_epoch, _) = div_rem(instructions, epochs);
    let (per_sample, _) = div_rem(per_epoch, samples_per_epoch);
    say!("instructions_per_epoch=", per_epoch);
    say!("instructions_per_sample=", per_sample);
    say!("flash_bytes=", flash_bytes());
    say!("static_ram_bytes=", static_ram_bytes());
    say!("stack_peak_fit_bytes=", stack.call_peak());
    say!("stack_peak_program_bytes=", stack.program_peak());
    say!("net_bytes=", net_bytes);
    say!("trainer_bytes=", trainer_bytes);
    say!("training_state_bytes=", net_bytes + trainer_bytes);
}

/// Stack bytes used by a call, and by the program up to now.
pub struct StackProbe {
    sp: usize,
    lowest_before: usize,
}

impl StackProbe {
    /// Notes the stack so far and re-paints below the current frame.
    #[inline(always)]
    pub fn start() -> Self {
        let lowest_before = lowest_dirty();
        let sp = stack_pointer();
        repaint_stack();
        StackProbe { sp, lowest_before }
    }

    /// Bytes below the stack pointer of [`start`](Self::start) written since.
    pub fn call_peak(&self) -> usize {
        self.sp - lowest_dirty()
    }

    /// Bytes of stack the program has used from reset up to now.
    pub fn program_peak(&self) -> usize {
        stack_top() - self.lowest_before.min(lowest_dirty())
    }
}

extern "C" {
    // Section boundaries from cortex-m-rt's link.x.
    static __vector_table: u32;
    static __sidata: u32;
    static __sdata: u32;
    static __edata: u32;
    static __sbss: u32;
    static __euninit: u32;
}

/// Bytes of flash the image occupies: vector table, code, read-only data
/// and the initial values of `.data` (what `size` calls text + data).
pub fn flash_bytes() -> usize {
    let data = addr_of!(__edata) as usize - addr_of!(__sdata) as usize;
    addr_of!(__sidata) as usize + data - addr_of!(__vector_table) as usize
}

/// Bytes of RAM taken by statics: `.data`, `.bss` and `.uninit`.
pub fn static_ram_bytes() -> usize {
    let data = addr_of!(__edata) as usize - addr_of!(__sdata) as usize;
    data + addr_of!(__euninit) as usize - addr_of!(__sbss) as usize
}
