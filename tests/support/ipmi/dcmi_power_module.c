/*
 * A loadlib module for OpenIPMI's ipmi_sim that answers DCMI Get Power Reading, which
 * the stock simulator does not know (it answers 0xC1). The power comes from a file
 * named by the module's option: "WATTS" or "WATTS TIMESTAMP", the second to simulate a
 * BMC whose reading is stale. An unreadable file reads 0 W with measurement inactive.
 *
 * lan.conf:  loadlib "/path/to/dcmi_power_module.so" "/path/to/watts-file"
 *
 * Its symbols (handle_invalid_cmd, ipmi_emu_register_group_extension_handler) resolve
 * from the ipmi_sim executable when it loads the module.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <OpenIPMI/mcserv.h>
#include <OpenIPMI/serv.h>

enum {
    kDcmiGroup = 0xDC,
    kGetPowerReading = 0x02,
    kResponseLength = 19,
    kMeasurementActive = 0x40,
    kReportingPeriodMs = 1000,
};

static char watts_file[4096];

static void put_u16(unsigned char* out, unsigned value) {
    out[0] = (unsigned char)(value & 0xFFU);
    out[1] = (unsigned char)((value >> 8U) & 0xFFU);
}

static void put_u32(unsigned char* out, uint32_t value) {
    for (int byte = 0; byte < 4; ++byte) {
        out[byte] = (unsigned char)((value >> (8U * (unsigned)byte)) & 0xFFU);
    }
}

static void get_power_reading(lmc_data_t* mc,
                              msg_t* msg,
                              unsigned char* rdata,
                              unsigned int* rdata_len,
                              void* cb_data) {
    (void)cb_data;
    if (msg->cmd != kGetPowerReading) {
        handle_invalid_cmd(mc, rdata, rdata_len);
        return;
    }
    unsigned watts = 0;
    unsigned long long stamp = 0;
    int fields = 0;
    FILE* file = fopen(watts_file, "r");
    if (file != NULL) {
        fields = fscanf(file, "%u %llu", &watts, &stamp);
        fclose(file);
    }
    const uint32_t timestamp = fields == 2 ? (uint32_t)stamp : (uint32_t)time(NULL);
    memset(rdata, 0, kResponseLength);
    rdata[0] = 0x00; /* completion code */
    rdata[1] = kDcmiGroup;
    put_u16(rdata + 2, watts); /* current */
    put_u16(rdata + 4, watts); /* minimum over the period */
    put_u16(rdata + 6, watts); /* maximum */
    put_u16(rdata + 8, watts); /* average */
    put_u32(rdata + 10, timestamp);
    put_u32(rdata + 14, kReportingPeriodMs);
    rdata[18] = fields >= 1 ? kMeasurementActive : 0x00;
    *rdata_len = kResponseLength;
}

int ipmi_sim_module_print_version(sys_data_t* sys, char* options) {
    (void)sys;
    (void)options;
    printf("joulesweep DCMI power module 1\n");
    return 0;
}

int ipmi_sim_module_init(sys_data_t* sys, const char* options) {
    (void)sys;
    if (options == NULL || strlen(options) >= sizeof(watts_file)) {
        fprintf(stderr, "dcmi_power_module: give the watts file as the loadlib option\n");
        return 1;
    }
    strcpy(watts_file, options);
    ipmi_emu_register_group_extension_handler(kDcmiGroup, get_power_reading, NULL);
    return 0;
}
