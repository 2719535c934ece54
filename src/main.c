#include <stdio.h>

int main(void)
{
    puts("apterm: under construction");
    return 0;
}
