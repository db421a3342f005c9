package docinput

import (
	"math"

	"fieldbrief/supervision"
)

// DistanceKM is the great-circle distance between two projects; ok is
// false when either has no coordinates.
func DistanceKM(a, b supervision.Project) (float64, bool) {
	if !hasPlace(a) || !hasPlace(b) {
		return 0, false
	}
	const earthKM = 6371.0
	rad := math.Pi / 180
	dLat := (b.Lat - a.Lat) * rad
	dLon := (b.Lon - a.Lon) * rad
	h := math.Sin(dLat/2)*math.Sin(dLat/2) + math.Cos(a.Lat*rad)*math.Cos(b.Lat*rad)*math.Sin(dLon/2)*math.Sin(dLon/2)
	return 2 * earthKM * math.Asin(math.Min(1, math.Sqrt(h))), true
}
func hasPlace(p supervision.Project) bool { return p.Lat != 0 || p.Lon != 0 }

// OrderByLocation returns the projects in a visiting order that keeps the
// drive short, starting from the first one given: nearest neighbour, then
// improved by reversing stretches of the route while that shortens it
// (2-opt), which for twenty sites takes well under a millisecond. Projects
// without coordinates keep their relative order at the end.
func OrderByLocation(ps []ProjectData) []ProjectData {
	var placed, unplaced []ProjectData
	for _, p := range ps {
		if hasPlace(p.Project) {
			placed = append(placed, p)
		} else {
			unplaced = append(unplaced, p)
		}
	}
	if len(placed) > 2 {
		route := []ProjectData{placed[0]}
		left := append([]ProjectData(nil), placed[1:]...)
		for len(left) > 0 {
			last := route[len(route)-1].Project
			best, bestD := 0, math.Inf(1)
			for i, c := range left {
				if dd, _ := DistanceKM(last, c.Project); dd < bestD {
					best, bestD = i, dd
				}
			}
			route = append(route, left[best])
			left = append(left[:best], left[best+1:]...)
		}
		placed = twoOpt(route)
	}
	return append(placed, unplaced...)
}

// twoOpt reverses segments of an open route, keeping its first stop, while
// any reversal makes it shorter.
func twoOpt(r []ProjectData) []ProjectData {
	dist := func(i, j int) float64 { d, _ := DistanceKM(r[i].Project, r[j].Project); return d }
	for improved := true; improved; {
		improved = false
		for i := 1; i < len(r)-1; i++ {
			for j := i + 1; j < len(r); j++ {
				before := dist(i-1, i)
				after := dist(i-1, j)
				if j+1 < len(r) {
					before += dist(j, j+1)
					after += dist(i, j+1)
				}
				if after < before-1e-9 {
					for a, b := i, j; a < b; a, b = a+1, b-1 {
						r[a], r[b] = r[b], r[a]
					}
					improved = true
				}
			}
		}
	}
	return r
}
