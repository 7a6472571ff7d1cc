//! The rtrb crate in the loops of benchmarks/ring_compare.cpp, so that its
//! figures stand beside ours: the same elements, room for 1024 elements,
//! producer on core 0 and consumer on core 1, one element per call, each
//! consumer thread owning its end (moved into it), and the same checks that
//! every message arrived.
//!
//!   rtrb_compare WORKLOAD ELEMENT COUNT
//!
//! WORKLOAD is throughput (a consumer that keeps up), slow_consumer (16
//! multiply-adds per message) or round_trip (ping over one ring, echo over
//! another); ELEMENT is Message, 16a8, 32a8, 16a4, 24a4 or 32a4 (size in
//! bytes, a, alignment: ring_compare's names); COUNT is the
//! number of messages (or of round trips). Prints one number: M msg/s, or ns
//! per round trip. ring_compare runs it once per round (--rtrb-crate).
use rtrb::RingBuffer;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Instant;

const CAPACITY: usize = 1024;
const WORK_STEPS: u32 = 16;

/// The elements of ring_compare.cpp, by the same names: the engine's
/// `Message` (24 bytes, aligned to 8), 16 and 32 bytes aligned to 8, and 16,
/// 24 and 32 bytes aligned to 4. Each carries a 32-bit id the loops count with.
trait Element: Copy + Send + 'static {
    fn new(id: u32) -> Self;
    fn id(&self) -> u32;
}

/// engine/messages/message.hpp's Message, field for field.
#[derive(Clone, Copy)]
#[repr(C)]
struct Message {
    kind: u16,
    param: u16,
    id: u32,
    frame: u64,
    value: f32,
    arg: u32,
}
impl Element for Message {
    #[inline(always)]
    fn new(id: u32) -> Self {
        Message { kind: 0, param: 0, id, frame: 0, value: 0.0, arg: 0 }
    }
    #[inline(always)]
    fn id(&self) -> u32 {
        self.id
    }
}
const _: () = assert!(std::mem::size_of::<Message>() == 24);
const _: () = assert!(std::mem::align_of::<Message>() == 8);

/// ring_compare's Element<N, A>: a 32-bit id, then 32-bit words to N
/// bytes, aligned to A.
macro_rules! element {
    ($name:ident, $size:expr, $align:expr) => {
        #[derive(Clone, Copy)]
        #[repr(C, align($align))]
        struct $name {
            id: u32,
            rest: [u32; ($size - 4) / 4],
        }
        impl Element for $name {
            #[inline(always)]
            fn new(id: u32) -> Self {
                $name { id, rest: [0; ($size - 4) / 4] }
            }
            #[inline(always)]
            fn id(&self) -> u32 {
                self.id
            }
        }
        const _: () = assert!(std::mem::size_of::<$name>() == $size);
        const _: () = assert!(std::mem::align_of::<$name>() == $align);
    };
}
element!(E16A8, 16, 8);
element!(E32A8, 32, 8);
element!(E16A4, 16, 4);
element!(E24A4, 24, 4);
element!(E32A4, 32, 4);

/// Pins the calling thread to `cpu` (modulo the number of CPUs), as
/// ring_compare's pin_to_cpu does, with the count of CPUs online as
/// std::thread::hardware_concurrency gives it (std's available_parallelism
/// counts the caller's affinity, which is 1 in a thread spawned after the
/// main thread was pinned). sched_setaffinity(0, ...) pins the caller.
fn pin_to_cpu(cpu: usize) {
    extern "C" {
        fn get_nprocs() -> i32;
        fn sched_setaffinity(pid: i32, size: usize, mask: *const u64) -> i32;
    }
    // SAFETY: get_nprocs has no preconditions.
    let n = unsafe { get_nprocs() }.max(1) as usize;
    let cpu = cpu % n;
    let mut mask = [0u64; 16]; // cpu_set_t: 1024 bits
    mask[cpu / 64] |= 1 << (cpu % 64);
    // SAFETY: mask is a valid cpu_set_t of the size passed.
    unsafe { sched_setaffinity(0, std::mem::size_of_val(&mask), mask.as_ptr()) };
}

/// ring_compare's start_on_core1(): runs `body` on a thread pinned to core 1
/// and returns once it runs there, so that the thread's start is outside the
/// timing; we yield meanwhile, since the thread starts on our core 0.
fn start_on_core1<R: Send + 'static>(
    body: impl FnOnce() -> R + Send + 'static,
) -> std::thread::JoinHandle<R> {
    let running = Arc::new(AtomicBool::new(false));
    let flag = running.clone();
    let handle = std::thread::spawn(move || {
        pin_to_cpu(1);
        flag.store(true, Ordering::Release);
        drop(flag);
        body()
    });
    while !running.load(Ordering::Acquire) {
        std::thread::yield_now();
    }
    handle
}

/// ring_compare's work(): a dependent chain the compiler must keep.
#[inline(always)]
fn work(steps: u32) {
    let mut x: u64 = 1;
    for _ in 0..steps {
        x = x.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
        // SAFETY: an empty asm that only claims to change x, as
        // `asm volatile("" : "+r"(x))` does.
        unsafe { std::arch::asm!("/* {0} */", inout(reg) x, options(nomem, nostack, preserves_flags)) };
    }
}

fn throughput<T: Element>(messages: u64, steps: u32) -> f64 {
    let (mut producer, mut consumer) = RingBuffer::<T>::new(CAPACITY);
    pin_to_cpu(0);
    let handle = start_on_core1(move || {
        let mut sum: u64 = 0;
        let mut got: u64 = 0;
        while got < messages {
            if let Ok(m) = consumer.pop() {
                sum += u64::from(m.id());
                got += 1;
                work(steps);
            }
        }
        sum
    });
    let t0 = Instant::now();
    let mut i: u64 = 0;
    while i < messages {
        if producer.push(T::new(i as u32)).is_ok() {
            i += 1;
        }
    }
    let total = handle.join().unwrap();
    let s = t0.elapsed().as_secs_f64();
    assert_eq!(total, messages * (messages - 1) / 2, "every id arrived, once");
    messages as f64 / s / 1e6
}

fn round_trip<T: Element>(trips: u32) -> f64 {
    let (mut there_p, mut there_c) = RingBuffer::<T>::new(CAPACITY);
    let (mut back_p, mut back_c) = RingBuffer::<T>::new(CAPACITY);
    pin_to_cpu(0);
    let handle = start_on_core1(move || {
        let mut n = 0;
        while n < trips {
            if let Ok(m) = there_c.pop() {
                while back_p.push(m).is_err() {}
                n += 1;
            }
        }
    });
    let t0 = Instant::now();
    for i in 0..trips {
        while there_p.push(T::new(i)).is_err() {}
        let m = loop {
            if let Ok(m) = back_c.pop() {
                break m;
            }
        };
        assert_eq!(m.id(), i);
    }
    handle.join().unwrap();
    t0.elapsed().as_secs_f64() * 1e9 / f64::from(trips)
}

fn run<T: Element>(workload: &str, count: u64) -> f64 {
    match workload {
        "throughput" => throughput::<T>(count, 0),
        "slow_consumer" => throughput::<T>(count, WORK_STEPS),
        "round_trip" => round_trip::<T>(count as u32),
        _ => usage(),
    }
}

fn usage() -> ! {
    eprintln!(
        "usage: rtrb_compare throughput|slow_consumer|round_trip \
         Message|16a8|32a8|16a4|24a4|32a4 COUNT"
    );
    std::process::exit(2)
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    if args.len() != 4 {
        usage();
    }
    let count: u64 = args[3].parse().unwrap_or_else(|_| usage());
    let figure = match args[2].as_str() {
        "Message" => run::<Message>(&args[1], count),
        "16a8" => run::<E16A8>(&args[1], count),
        "32a8" => run::<E32A8>(&args[1], count),
        "16a4" => run::<E16A4>(&args[1], count),
        "24a4" => run::<E24A4>(&args[1], count),
        "32a4" => run::<E32A4>(&args[1], count),
        _ => usage(),
    };
    println!("{:.3}", figure);
}
