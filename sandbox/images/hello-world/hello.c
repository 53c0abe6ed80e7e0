/* The playground's hello-world: a static program with no libc that prints a
 * greeting and exits, so the image is a few kilobytes and runs anywhere. */
#include <sys/syscall.h>

static const char message[] =
    "\n"
    "Hello from the Docker playground!\n"
    "\n"
    "If you can read this, containers run here. Behind this greeting:\n"
    " - the docker command asked the Docker engine to run the image \"hello-world\";\n"
    " - the engine fetched that image from the playground's own registry;\n"
    " - it started a container from it, and this tiny program ran inside;\n"
    " - what the program printed came back to your terminal.\n"
    "\n"
    "Try a whole Debian system next:  docker run -it debian bash\n"
    "\n";

static long sys3(long n, long a, long b, long c) {
    long ret;
    __asm__ volatile("syscall" : "=a"(ret) : "a"(n), "D"(a), "S"(b), "d"(c) : "rcx", "r11", "memory");
    return ret;
}

void _start(void) {
    sys3(SYS_write, 1, (long)message, sizeof message - 1);
    sys3(SYS_exit, 0, 0, 0);
    for (;;) {}
}
