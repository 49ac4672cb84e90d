// Shims for libpci (pciutils) calls that Swift cannot make directly.
//
// libpci reports failures through three variadic hooks in struct pci_access. The default
// error hook prints and calls exit(1), and Swift cannot supply a variadic C function. So the
// hooks live here: the error hook records the message and longjmps back into the cpci_*
// wrapper that made the call, which then returns -1. Every libpci call cfgtui makes goes
// through one of these wrappers, so a libpci error becomes a Swift error, never an exit.
// The state is thread-local; cfgtui drives libpci from one thread only.
#ifndef CPCI_SHIM_H
#define CPCI_SHIM_H

#include <pci/pci.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

struct cpci_guard {
    jmp_buf jump;
    int armed;
    char error[512];
    char warnings[2048];
    size_t warnings_length;
};

static inline struct cpci_guard *cpci_guard_state(void) {
    static __thread struct cpci_guard guard;
    return &guard;
}

// The error hook must not return (libpci marks it noreturn).
static inline void cpci_error_hook(char *format, ...) __attribute__((noreturn));
static inline void cpci_error_hook(char *format, ...) {
    struct cpci_guard *guard = cpci_guard_state();
    va_list args;
    va_start(args, format);
    vsnprintf(guard->error, sizeof guard->error, format, args);
    va_end(args);
    if (guard->armed) {
        guard->armed = 0;
        longjmp(guard->jump, 1);
    }
    // Unreachable while every call goes through a guarded wrapper.
    fprintf(stderr, "cfgtui: libpci error outside a guarded call: %s\n", guard->error);
    _exit(70);
}

// Warnings are collected, one per line, for the caller to turn into diagnostics.
static inline void cpci_warning_hook(char *format, ...) {
    struct cpci_guard *guard = cpci_guard_state();
    size_t room = sizeof guard->warnings - guard->warnings_length;
    if (room < 2) return;
    va_list args;
    va_start(args, format);
    int written = vsnprintf(guard->warnings + guard->warnings_length, room - 1, format, args);
    va_end(args);
    if (written < 0) return;
    size_t used = (size_t)written < room - 2 ? (size_t)written : room - 2;
    guard->warnings_length += used;
    guard->warnings[guard->warnings_length++] = '\n';
    guard->warnings[guard->warnings_length] = 0;
}

static inline void cpci_debug_hook(char *format, ...) { (void)format; }

// The hook fields are variadic function pointers, which Swift cannot assign.
static inline void cpci_install_hooks(struct pci_access *access) {
    access->error = cpci_error_hook;
    access->warning = cpci_warning_hook;
    access->debug = cpci_debug_hook;
}

static inline const char *cpci_last_error(void) { return cpci_guard_state()->error; }

// Returns the collected warnings and clears them.
static inline size_t cpci_take_warnings(char *buffer, size_t size) {
    struct cpci_guard *guard = cpci_guard_state();
    size_t length = guard->warnings_length < size - 1 ? guard->warnings_length : size - 1;
    memcpy(buffer, guard->warnings, length);
    buffer[length] = 0;
    guard->warnings_length = 0;
    guard->warnings[0] = 0;
    return length;
}

// pci_set_param takes non-const strings.
static inline int cpci_set_param(struct pci_access *access, const char *name, const char *value) {
    return pci_set_param(access, (char *)name, (char *)value);
}

// Guarded calls: 0 on success, -1 after a libpci error (message in cpci_last_error()).
static inline int cpci_init(struct pci_access *access) {
    struct cpci_guard *guard = cpci_guard_state();
    if (setjmp(guard->jump)) return -1;
    guard->armed = 1;
    pci_init(access);
    guard->armed = 0;
    return 0;
}

static inline int cpci_scan_bus(struct pci_access *access) {
    struct cpci_guard *guard = cpci_guard_state();
    if (setjmp(guard->jump)) return -1;
    guard->armed = 1;
    pci_scan_bus(access);
    guard->armed = 0;
    return 0;
}

static inline int cpci_fill_info(struct pci_dev *device, int flags) {
    struct cpci_guard *guard = cpci_guard_state();
    if (setjmp(guard->jump)) return -1;
    guard->armed = 1;
    pci_fill_info(device, flags);
    guard->armed = 0;
    return 0;
}

// 1 when all `length` bytes were read, 0 when the kernel gave fewer, -1 on a libpci error.
static inline int cpci_read_block(struct pci_dev *device, int position, unsigned char *buffer, int length) {
    struct cpci_guard *guard = cpci_guard_state();
    if (setjmp(guard->jump)) return -1;
    guard->armed = 1;
    int result = pci_read_block(device, position, buffer, length);
    guard->armed = 0;
    return result ? 1 : 0;
}

// pci_get_string_property may consult sysfs; guarded like the rest.
static inline const char *cpci_string_property(struct pci_dev *device, unsigned int property) {
    struct cpci_guard *guard = cpci_guard_state();
    if (setjmp(guard->jump)) return NULL;
    guard->armed = 1;
    const char *value = pci_get_string_property(device, property);
    guard->armed = 0;
    return value;
}

// pci_lookup_name is variadic: one fixed-arity wrapper per lookup kind. Each returns NULL when
// the ID is not in the database (PCI_LOOKUP_NO_NUMBERS) or on a libpci error.
static inline const char *cpci_lookup(struct pci_access *access, char *buffer, int size, int flags,
                                      int a, int b, int c, int d) {
    struct cpci_guard *guard = cpci_guard_state();
    if (setjmp(guard->jump)) return NULL;
    guard->armed = 1;
    // The pci.ids file only: asking udev's hwdb opens files on every lookup, which costs more
    // than the whole decode of a 4,096-function dump.
    const char *name = pci_lookup_name(access, buffer, size, flags | PCI_LOOKUP_NO_NUMBERS | PCI_LOOKUP_NO_HWDB,
                                       a, b, c, d);
    guard->armed = 0;
    return name;
}

static inline const char *cpci_lookup_vendor(struct pci_access *access, char *buffer, int size, int vendor) {
    return cpci_lookup(access, buffer, size, PCI_LOOKUP_VENDOR, vendor, 0, 0, 0);
}

static inline const char *cpci_lookup_device(struct pci_access *access, char *buffer, int size, int vendor,
                                             int device) {
    return cpci_lookup(access, buffer, size, PCI_LOOKUP_DEVICE, vendor, device, 0, 0);
}

static inline const char *cpci_lookup_subsystem_vendor(struct pci_access *access, char *buffer, int size,
                                                       int subsystem_vendor) {
    return cpci_lookup(access, buffer, size, PCI_LOOKUP_SUBSYSTEM | PCI_LOOKUP_VENDOR, subsystem_vendor, 0, 0, 0);
}

static inline const char *cpci_lookup_subsystem_device(struct pci_access *access, char *buffer, int size,
                                                       int vendor, int device, int subsystem_vendor,
                                                       int subsystem_device) {
    return cpci_lookup(access, buffer, size, PCI_LOOKUP_SUBSYSTEM | PCI_LOOKUP_DEVICE, vendor, device,
                       subsystem_vendor, subsystem_device);
}

static inline const char *cpci_lookup_class(struct pci_access *access, char *buffer, int size, int class_id) {
    return cpci_lookup(access, buffer, size, PCI_LOOKUP_CLASS, class_id, 0, 0, 0);
}

static inline const char *cpci_lookup_prog_if(struct pci_access *access, char *buffer, int size, int class_id,
                                              int prog_if) {
    return cpci_lookup(access, buffer, size, PCI_LOOKUP_PROGIF, class_id, prog_if, 0, 0);
}

#endif
