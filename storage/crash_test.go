package storage

import (
	"bufio"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"strings"
	"syscall"
	"testing"
	"time"

	sv "fieldbrief/supervision"
)

// TestCrashChild is the writer that TestKilledWriterLosesNothing kills. It
// runs only when started by that test.
func TestCrashChild(t *testing.T) {
	dir := os.Getenv("FIELDBRIEF_CRASH_DIR")
	if dir == "" {
		return
	}
	run := os.Getenv("FIELDBRIEF_CRASH_RUN")
	s, err := Open(dir, Options{Timeout: 5 * time.Second})
	if err != nil {
		fmt.Println("open failed:", err)
		os.Exit(2)
	}
	for n := 0; ; n++ {
		if n%5 == 0 {
			in, err := s.StartVisit("p01", []string{"张伟"})
			if err != nil {
				fmt.Println("error:", err)
				os.Exit(2)
			}
			fmt.Printf("visit %s\n", in.ID)
			v := float64(n % 100)
			if err := s.SaveAnswer(in.ID, sv.Answer{ItemKey: "progress", Number: &v}); err != nil {
				fmt.Println("error:", err)
				os.Exit(2)
			}
			fmt.Printf("answer %s %d\n", in.ID, n%100)
			continue
		}
		id := fmt.Sprintf("crash-%s-%d", run, n)
		f := sv.Finding{ID: id, ProjectID: "p01", Kind: sv.KindProblem, Category: sv.CategoryDust, Severity: sv.SeverityMinor,
			Description: "裸土未覆盖 " + strings.Repeat("扬尘", n%50), ResponsibleUnit: "生态环境局", Deadline: "2026-06-30"}
		if err := s.CreateFinding(f); err != nil {
			fmt.Println("error:", err)
			os.Exit(2)
		}
		// Printed only after the commit returned: the parent may rely on it.
		fmt.Printf("finding %s\n", id)
	}
}

// TestKilledWriterLosesNothing kills a writing process at random moments,
// 50 times, and checks after each kill that the store opens, passes its
// check, and holds every change the writer had reported as committed.
func TestKilledWriterLosesNothing(t *testing.T) {
	if os.Getenv("FIELDBRIEF_CRASH_DIR") != "" {
		return
	}
	s, _ := newTestStore(t)
	dir := dirOf(s)
	s.Close()
	rng := rand.New(rand.NewPCG(1, uint64(time.Now().UnixNano())))
	total := 0
	for run := 0; run < 50; run++ {
		cmd := exec.Command(os.Args[0], "-test.run=^TestCrashChild$", "-test.count=1")
		cmd.Env = append(os.Environ(), "FIELDBRIEF_CRASH_DIR="+dir, fmt.Sprintf("FIELDBRIEF_CRASH_RUN=%d", run))
		out, err := cmd.StdoutPipe()
		if err != nil {
			t.Fatal(err)
		}
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		lines := make(chan string, 1<<16)
		go func() {
			sc := bufio.NewScanner(out)
			for sc.Scan() {
				lines <- sc.Text()
			}
			close(lines)
		}()
		// Wait for the first commit, then kill at a random moment after it.
		first, ok := <-lines
		if !ok {
			cmd.Wait()
			t.Fatalf("run %d: writer printed nothing", run)
		}
		time.Sleep(time.Duration(rng.IntN(150)) * time.Millisecond)
		cmd.Process.Signal(syscall.SIGKILL)
		cmd.Wait()
		reported := []string{first}
		for l := range lines {
			reported = append(reported, l)
		}
		s, err := Open(dir, Options{})
		if err != nil {
			t.Fatalf("run %d: reopen after kill: %v", run, err)
		}
		if probs := s.Check(); len(probs) != 0 {
			s.Close()
			t.Fatalf("run %d: check after kill: %v", run, probs)
		}
		for _, l := range reported {
			f := strings.Fields(l)
			switch {
			case len(f) == 2 && f[0] == "finding":
				if _, err := s.Finding(f[1]); err != nil {
					t.Errorf("run %d: committed finding %s lost: %v", run, f[1], err)
				}
			case len(f) == 2 && f[0] == "visit":
				if _, err := s.Visit(f[1]); err != nil {
					t.Errorf("run %d: committed visit %s lost: %v", run, f[1], err)
				}
			case len(f) == 3 && f[0] == "answer":
				in, err := s.Visit(f[1])
				if a, ok := in.Answers["progress"]; err != nil || !ok || fmt.Sprint(*a.Number) != f[2] {
					t.Errorf("run %d: committed answer on %s lost", run, f[1])
				}
			default:
				t.Fatalf("run %d: writer said %q", run, l)
			}
		}
		total += len(reported)
		s.Close()
	}
	t.Logf("%d committed changes across 50 kills, none lost", total)
}

func dirOf(s *Store) string { return s.path[:len(s.path)-len(FileName)-1] }
