// UNP 1.2, 4.8: the daytime server's reply, the time as ctime(3) prints it, in local time.
// A child may not call ctime_r or localtime_r: glibc takes tzset_lock in them, which no fork
// resets. So the parent reads the zone's offset before each connection (ReadZone) and the
// child formats time() plus that offset itself (docs/design-notes.md, "The daytime child's clock").
using UnpServers.Interop;

namespace UnpServers.Unp;

public static class Clock
{
    /// <summary>The local time's offset from UTC in seconds, as the parent last read it (0, UTC, before that).</summary>
    private static long s_utcOffset;

    /// <summary>In the parent: the time zone's offset now (tm_gmtoff), for the next CtimeNow.</summary>
    [BeforeFork]
    public static void ReadZone()
    {
        LibC.tzset();
        if (LibC.localtime_r(LibC.time(), out tm now)) s_utcOffset = now.tm_gmtoff;
    }

    private static ReadOnlySpan<byte> Days => "SunMonTueWedThuFriSat"u8;
    private static ReadOnlySpan<byte> Months => "JanFebMarAprMayJunJulAugSepOctNovDec"u8;

    /// <summary>
    /// Now, in local time, as ctime(3) writes it into buf (25 bytes or more):
    /// "Sat Nov 21 18:09:00 2026\n", that is "%.3s %.3s%3d %.2d:%.2d:%.2d %d\n". Returns the
    /// length, or -1 (a buffer too small, a year not of four digits). Allocation-free, and
    /// lock-free: a forked child calls it (fork-safety R4).
    /// </summary>
    public static int CtimeNow(Span<byte> buf)
    {
        if (buf.Length < 25) return -1;
        long t = LibC.time() + s_utcOffset;
        long days = Math.DivRem(t, 86400, out long secs);
        if (secs < 0)
        {
            secs += 86400;
            days--;
        }
        int wday = (int)(((days + 4) % 7 + 7) % 7); // 1970-01-01 was a Thursday
        CivilFromDays(days, out long year, out int month, out int mday);
        if (year is < 1000 or > 9999) return -1;

        Days.Slice(wday * 3, 3).CopyTo(buf);
        buf[3] = (byte)' ';
        Months.Slice((month - 1) * 3, 3).CopyTo(buf[4..]);
        buf[7] = (byte)' ';
        buf[8] = mday < 10 ? (byte)' ' : (byte)('0' + mday / 10);
        buf[9] = (byte)('0' + mday % 10);
        buf[10] = (byte)' ';
        TwoDigits(buf[11..], (int)(secs / 3600));
        buf[13] = (byte)':';
        TwoDigits(buf[14..], (int)(secs / 60 % 60));
        buf[16] = (byte)':';
        TwoDigits(buf[17..], (int)(secs % 60));
        buf[19] = (byte)' ';
        TwoDigits(buf[20..], (int)(year / 100));
        TwoDigits(buf[22..], (int)(year % 100));
        buf[24] = (byte)'\n';
        return 25;
    }

    private static void TwoDigits(Span<byte> at, int n)
    {
        at[0] = (byte)('0' + n / 10);
        at[1] = (byte)('0' + n % 10);
    }

    /// <summary>
    /// The proleptic Gregorian date of a day counted from 1970-01-01 (H. Hinnant's
    /// civil_from_days: eras of 400 years, years starting in March).
    /// </summary>
    private static void CivilFromDays(long z, out long year, out int month, out int mday)
    {
        z += 719468;
        long era = (z >= 0 ? z : z - 146096) / 146097;
        long doe = z - era * 146097;                                  // [0, 146096]
        long yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365; // [0, 399]
        long doy = doe - (365 * yoe + yoe / 4 - yoe / 100);           // [0, 365]
        long mp = (5 * doy + 2) / 153;                                // [0, 11], from March
        mday = (int)(doy - (153 * mp + 2) / 5 + 1);
        month = (int)(mp < 10 ? mp + 3 : mp - 9);
        year = yoe + era * 400 + (month <= 2 ? 1 : 0);
    }
}
