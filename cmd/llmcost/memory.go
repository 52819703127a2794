package main

import (
	"bufio"
	"fmt"
	"os"
	"strconv"
	"strings"
)

// maxDefaultMemory caps the default DuckDB memory limit: enough for large
// ingests and queries, which spill to the data directory beyond it.
const maxDefaultMemory = 2 << 30

// defaultDuckDBMemory returns the DuckDB memory limit used when
// LLMCOST_DUCKDB_MEMORY is unset: half the machine's memory, at most 2 GiB;
// "" (DuckDB's own default) when the machine's memory cannot be read.
func defaultDuckDBMemory() string {
	total := machineMemory()
	if total <= 0 {
		return ""
	}
	return fmt.Sprintf("%dMiB", min(total/2, maxDefaultMemory)>>20)
}

// machineMemory returns the machine's memory in bytes from /proc/meminfo, or
// 0 when it cannot be read.
func machineMemory() int64 {
	f, err := os.Open("/proc/meminfo")
	if err != nil {
		return 0
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		fields := strings.Fields(sc.Text())
		if len(fields) >= 2 && fields[0] == "MemTotal:" {
			kb, err := strconv.ParseInt(fields[1], 10, 64)
			if err != nil {
				return 0
			}
			return kb << 10
		}
	}
	return 0
}
