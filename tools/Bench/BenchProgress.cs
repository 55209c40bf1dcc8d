namespace SalesReporting.Bench;

/// <summary>Where the bench reports what it is doing; the command shows it as progress bars.</summary>
public interface IBenchProgress
{
    IBenchTask Start(string description, double maxValue);

    public static IBenchProgress None { get; } = new NoProgress();

    private sealed class NoProgress : IBenchProgress
    {
        public IBenchTask Start(string description, double maxValue) => new Task();
        private sealed class Task : IBenchTask
        {
            public string Description { get; set; } = "";
            public double Value { get; set; }
            public double MaxValue { get; set; }
            public void Increment(double by) => Value += by;
            public void Complete(string description) { }
        }
    }
}

public interface IBenchTask
{
    string Description { get; set; }
    double Value { get; set; }
    double MaxValue { get; set; }
    void Increment(double by);
    void Complete(string description);
}
