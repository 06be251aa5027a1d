# Time values for the differential test of tsq-load's client-side
# conversion (tests/tsq-load-times.bats): every form of tsq's grammar
# (common/datetime.h), edge years, out-of-range fields and offsets, fraction
# digits to round, malformed neighbours of good values, and wall-clock times
# around daylight-saving changes.  Prints "id,value" CSV lines.
#
#   awk -v seed=N -v count=N -f gen-times.awk

function pick(a, n) { return a[int(rand() * n) + 1] }
function pad(v, w) { return sprintf("%0" w "d", v) }
function chance(p) { return rand() < p }

function year() {
	if (chance(0.7)) return pad(1900 + int(rand() * 200), 4)
	return pick(years, nyears)
}
# Months, days and clock fields of one digit now and then, as people write them.
function two(v) { return chance(0.9) ? pad(v, 2) : v }
function month() { return chance(0.95) ? two(1 + int(rand() * 12)) : pick(bad_months, 3) }
function day(   d) {
	if (chance(0.1)) return pick(edge_days, 5)
	return two(1 + int(rand() * 28))
}
function frac(   n, s, i) {
	n = int(rand() * 9) + 1
	s = ""
	for (i = 0; i < n; i++) s = s int(rand() * 10)
	# Ties on the seventh digit, where rounding matters.
	if (n == 7 && chance(0.5)) s = substr(s, 1, 6) "5"
	if (chance(0.05)) s = "9999995"
	return s
}
function clock(   h, m, s, t) {
	h = chance(0.97) ? two(int(rand() * 24)) : pick(edge_hours, 3)
	m = chance(0.97) ? two(int(rand() * 60)) : "60"
	t = h ":" m
	if (chance(0.8)) {
		s = chance(0.97) ? two(int(rand() * 60)) : pick(edge_secs, 2)
		t = t ":" s
		if (chance(0.5)) t = t "." frac()
	}
	return t
}
function zone(   h, m, s, z, sign) {
	if (chance(0.3)) return ""
	if (chance(0.15)) return pick(named, nnamed)
	sign = chance(0.5) ? "+" : "-"
	# Offsets as the server also reads them: one-digit hours and minutes,
	# HMM run together, a blank after the sign.
	if (chance(0.2)) {
		z = sign (sign == "+" && chance(0.2) ? " " : "") int(rand() * 16)
		if (chance(0.4)) z = z ":" int(rand() * 60)
		else if (chance(0.3)) z = z pad(int(rand() * 60), 2)
		return (chance(0.3) ? " " : "") z
	}
	h = chance(0.95) ? pad(int(rand() * 15), 2) : pick(edge_zone_hours, 2)
	m = chance(0.95) ? pad(int(rand() * 60), 2) : "60"
	s = chance(0.95) ? pad(int(rand() * 60), 2) : "60"
	z = sign h
	if (chance(0.3)) z = z m
	else if (chance(0.5)) z = z ":" m
	else if (chance(0.5)) z = z ":" m ":" s
	return (chance(0.3) ? " " : "") z
}
function sep() { return pick(seps, nseps) }

function iso(   v, z) {
	# The day of the year (YYYY-DDD) now and then, 000 and 367 included.
	if (chance(0.05)) v = year() "-" pad(int(rand() * 368), 3)
	else v = year() "-" month() "-" day()
	if (chance(0.8)) v = v sep() clock()
	# AM and PM, after a time of 0-13 hours or after a date alone; a zone
	# after one has a blank before it ("PM-05" is a POSIX zone to the server).
	if (chance(0.06)) {
		v = v pick(meridians, nmeridians)
		z = zone()
		return v (z ~ /^[+-]/ ? " " : "") z
	}
	z = zone()
	v = v z
	# Years before 1 as the server writes them (DateStyle ISO), and AD; after
	# a zone's name, a blank between them ("Etc/GMT+5bc" the server splits
	# its own way, tsq refuses).
	if (chance(0.06)) v = v (z ~ /[A-Za-z][A-Za-z_\/+0-9-]*$/ && z !~ /^ ?[Zz]$/ ? " " : "") pick(eras, neras)
	if (chance(0.05)) v = " " v " "
	return v
}

# A good date, then broken the ways a hand-edited file breaks (each a form
# the server refuses too).
function malformed(   v, k) {
	v = pad(1900 + int(rand() * 200), 4) "-" pad(1 + int(rand() * 12), 2) "-" pad(1 + int(rand() * 28), 2)
	k = int(rand() * 9)
	if (k == 0) return v "X"
	if (k == 1) return v "T"
	if (k == 2) return v "-13:34"
	if (k == 3) return v " 12:00:00,5"
	if (k == 4) return v " 12:00:00+053015"
	if (k == 5) return v "T12:00:00.5ZZ"
	if (k == 6) return v " 123:00"
	if (k == 7) return v "T12:00:00+0530:15"
	return v " 12"
}

# Wall-clock times within hours of daylight-saving changes of the zones the
# test uses (New York, Prague, Lord Howe's half-hour shift, and Kathmandu,
# which has none).
function near_change(   d, h, m) {
	d = pick(changes, nchanges)
	h = pad(int(rand() * 5), 2)
	m = pad(int(rand() * 60), 2)
	return d " " h ":" m ":" pad(int(rand() * 60), 2)
}

# Dates of eight or six digits (YYYYMMDD, YYMMDD), good and bad, alone or
# before a time; and fourteen digits, which look like YYYYMMDDHHMMSS.
function compact(   v) {
	if (chance(0.15)) return year() two(1 + int(rand() * 12)) two(1 + int(rand() * 28)) clock()
	if (chance(0.5)) v = year() pad(1 + int(rand() * 12), 2) day()
	else v = pad(int(rand() * 100), 2) month() day()
	if (length(v) != 8 && length(v) != 6) return v
	if (chance(0.3)) v = v sep() clock() zone()
	if (chance(0.1)) v = " " v " "
	return v
}

function epoch(   w, f, s, n, i) {
	w = pick(epoch_wholes, nwholes)
	s = (chance(0.2) ? "-" : "") w
	if (chance(0.4)) {
		f = ""
		n = int(rand() * 4) + 1
		for (i = 0; i < n; i++) f = f int(rand() * 10)
		s = s "." f
	}
	return s
}

BEGIN {
	srand(seed)
	nyears = split("0001 0999 1000 1582 1899 1900 1969 1970 1999 2000 2024 2038 9999 10000 99999 294276 294277 5874897 5874898 0000", years, " ")
	split("00 13 99", bad_months, " ")
	split("29 30 31 00 32", edge_days, " ")
	split("24 25 23", edge_hours, " ")
	split("60 61", edge_secs, " ")
	split("15 16", edge_zone_hours, " ")
	nnamed = split("Z z UTC utc GMT", named, " ")
	named[nnamed + 1] = " Z"; named[nnamed + 2] = " UTC"; nnamed += 2
	# Zones by name, as the server reads them: abbreviations of fixed offset
	# (timezone_abbreviations "Default"), names of the time zone database in
	# any case, and names it does not know.
	nzones = split("EST PST cet JST NZDT America/New_York Europe/London asia/kolkata Australia/Lord_Howe Etc/GMT+5 America/Port-au-Prince UCT Nowhere/Else XYZ", zones, " ")
	for (i = 1; i <= nzones; i++) named[++nnamed] = " " zones[i]
	nspecials = split("infinity -infinity +infinity Infinity epoch 2024-01-01T23:59:60 2024-01-01T23:59:60.999999 2024-01-01T12:30:60.5 2024-01-01T24:00:00.000001", specials, " ")
	nmeridians = split("AM PM pm", meridians, " ")
	meridians[++nmeridians] = " AM"; meridians[++nmeridians] = " PM"
	neras = split("BC bc AD", eras, " ")
	eras[++neras] = " BC"; eras[++neras] = " AD"
	nseps = split("T t", seps, " ")
	seps[++nseps] = " "; seps[++nseps] = "  "
	nchanges = split("2024-03-10 2024-11-03 2024-03-31 2024-10-27 2024-04-07 2024-10-06 1999-03-28 2021-03-14", changes, " ")
	nwholes = split("0 1 86399 1700000000 1709294400123 1709294400123456 1709294400123456789 99999999999 100000000000 5000000000000 20240101120000", epoch_wholes, " ")
	for (i = 1; i <= count; i++) {
		r = rand()
		if (r < 0.55) v = iso()
		else if (r < 0.7) v = malformed()
		else if (r < 0.85) v = near_change()
		else if (r < 0.9) v = compact()
		else if (r < 0.91) v = pick(specials, nspecials)
		else v = epoch()
		gsub(/"/, "\"\"", v)
		printf "%d,\"%s\"\n", i, v
	}
}
