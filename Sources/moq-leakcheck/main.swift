import LeakCheck
print("moq-leakcheck \(LeakCheckVersion.string)")
